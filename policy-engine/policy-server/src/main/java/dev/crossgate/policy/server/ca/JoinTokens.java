package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.io.RandomTokens;
import dev.crossgate.policy.server.ca.IdentityException.Reason;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Join tokens: a secret bound to one namespace and service account, valid until it expires, that
 * a sidecar presents to get its certificate. A token is {@code <id>.<secret>}; the store keeps
 * only the SHA-256 of the secret, so a token is shown once, when it is created.
 */
public final class JoinTokens implements WorkloadVerifier {

  /** The default lifetime of a join token: 24 hours. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);
  /** The longest lifetime of a join token: one year. */
  public static final Duration MAX_TTL = Duration.ofDays(365);

  static final String KEY_PREFIX = "join-token/";
  private static final Pattern SHAPE = Pattern.compile("([A-Za-z0-9_-]{11})\\.([A-Za-z0-9_-]{43})");

  private final SecretStore store;
  private final Clock clock;

  public JoinTokens(SecretStore store, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
  }

  /** A new token. */
  public record Created(String token, WorkloadIdentity identity, Instant expiresAt) {

    @Override
    public String toString() {
      // The secret stays out of logs.
      return "JoinToken[" + identity + ", expires " + expiresAt + "]";
    }
  }

  /** Creates a token for {@code identity} lasting {@code ttl} (1 second to one year). */
  public Future<Created> create(WorkloadIdentity identity, Duration ttl) {
    requireNonNull(identity, "identity");
    requireNonNull(ttl, "ttl");
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
      return Future.failedFuture(new IllegalArgumentException(
          "ttl: " + ttl + " (expected: between PT1S and " + MAX_TTL + ")"));
    }
    String id = RandomTokens.of(RootCa.RANDOM, 8); // the token's start: never '-'
    String secretText = RandomTokens.of(RootCa.RANDOM, 32);
    Instant expiresAt = clock.instant().plus(ttl);
    String record = identity.namespace() + "|" + identity.serviceAccount() + "|"
        + expiresAt.toEpochMilli() + "|" + HexFormat.of().formatHex(sha256(secretText));
    return store.putIfAbsent(KEY_PREFIX + id, record).map(stored -> {
      if (!stored.equals(record)) {
        throw new IllegalStateException("join token id collision; try again");
      }
      return new Created(id + "." + secretText, identity, expiresAt);
    });
  }

  @Override
  public Future<WorkloadIdentity> verify(String credential) {
    if (credential == null || credential.isBlank()) {
      return Future.failedFuture(new IdentityException(Reason.MALFORMED_CREDENTIAL,
          "join token: missing (expected: a token from 'crossgate token create')"));
    }
    var match = SHAPE.matcher(credential.strip());
    if (!match.matches()) {
      return Future.failedFuture(new IdentityException(Reason.MALFORMED_CREDENTIAL,
          "join token: not of the form <id>.<secret> (expected: a token from 'crossgate token create')"));
    }
    String id = match.group(1);
    byte[] given = sha256(match.group(2));
    return store.get(KEY_PREFIX + id).map(found -> {
      String[] fields = found.map(text -> text.split("\\|", -1)).orElse(null);
      if (fields == null || fields.length != 4
          || !MessageDigest.isEqual(given, HexFormat.of().parseHex(fields[3]))) {
        throw new IdentityException(Reason.UNKNOWN_CREDENTIAL,
            "join token " + id + ": unknown or wrong secret (expected: a token this engine created)");
      }
      Instant expiresAt = Instant.ofEpochMilli(Long.parseLong(fields[2]));
      if (!clock.instant().isBefore(expiresAt)) {
        throw new IdentityException(Reason.EXPIRED_CREDENTIAL,
            "join token " + id + ": expired at " + expiresAt + " (expected: a token still valid; create a new one)");
      }
      return new WorkloadIdentity(fields[0], fields[1]);
    });
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
