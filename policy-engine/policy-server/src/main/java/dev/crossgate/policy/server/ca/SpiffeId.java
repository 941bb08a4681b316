package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * A workload's mesh identity, {@code spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>}.
 *
 * @param trustDomain the mesh's trust domain, e.g. {@code crossgate.local}
 * @param namespace the workload's namespace
 * @param serviceAccount the workload's service account
 */
public record SpiffeId(String trustDomain, String namespace, String serviceAccount) {

  private static final String SCHEME = "spiffe://";
  private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9.\\-_]{0,250}[a-z0-9])?");
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.\\-]{0,251}[a-z0-9])?");

  public SpiffeId {
    checkTrustDomain(trustDomain);
    checkName("namespace", namespace);
    checkName("serviceAccount", serviceAccount);
  }

  /** Parses {@code spiffe://td/ns/N/sa/S}, or says precisely why it is not one. */
  public static SpiffeId parse(String uri) {
    requireNonNull(uri, "uri");
    if (!uri.startsWith(SCHEME)) {
      throw new IllegalArgumentException("SPIFFE id: " + uri + " (expected: spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>)");
    }
    String[] parts = uri.substring(SCHEME.length()).split("/", -1);
    if (parts.length != 5 || !parts[1].equals("ns") || !parts[3].equals("sa")) {
      throw new IllegalArgumentException("SPIFFE id: " + uri + " (expected: spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>)");
    }
    return new SpiffeId(parts[0], parts[2], parts[4]);
  }

  /** The URI form. */
  public String uri() {
    return SCHEME + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }

  @Override
  public String toString() {
    return uri();
  }

  /** Checks a trust domain: lower-case letters, digits, dots, dashes and underscores. */
  public static String checkTrustDomain(String trustDomain) {
    requireNonNull(trustDomain, "trustDomain");
    if (!TRUST_DOMAIN.matcher(trustDomain).matches()) {
      throw new IllegalArgumentException("trustDomain: " + trustDomain
          + " (expected: lower-case letters, digits, '.', '-', '_'; at most 252 characters)");
    }
    return trustDomain;
  }

  /** Checks a namespace or service-account name: a DNS-style lower-case name. */
  public static String checkName(String field, String value) {
    requireNonNull(value, field);
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(field + ": " + value
          + " (expected: lower-case letters, digits, '.', '-'; starting and ending with a letter or digit)");
    }
    return value;
  }
}
