package dev.crossgate.routing.mesh;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Reads the SPIFFE id (the {@code spiffe://} URI SAN) from a TLS peer's certificate. */
public final class PeerIdentity {

  private static final int URI_SAN = 6;

  private PeerIdentity() {}

  /** The SPIFFE id of the leaf of {@code chain}, if it has one. */
  public static Optional<String> spiffeId(List<Certificate> chain) {
    if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    try {
      Collection<List<?>> names = leaf.getSubjectAlternativeNames();
      if (names == null) {
        return Optional.empty();
      }
      for (List<?> name : names) {
        if (name.size() == 2 && Integer.valueOf(URI_SAN).equals(name.get(0))
            && name.get(1) instanceof String uri && uri.startsWith("spiffe://")) {
          return Optional.of(uri);
        }
      }
      return Optional.empty();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
  }

  /**
   * The SPIFFE id a service's sidecars hold: {@code spiffe://<td>/ns/<namespace>/sa/<service>}
   * (a mesh service's service account is named after it).
   */
  public static String expected(String trustDomain, String namespace, String service) {
    return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + service;
  }

  /** The trust domain of a SPIFFE id: what follows {@code spiffe://} up to the first slash. */
  public static String trustDomainOf(String spiffeId) {
    String rest = spiffeId.substring("spiffe://".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }
}
