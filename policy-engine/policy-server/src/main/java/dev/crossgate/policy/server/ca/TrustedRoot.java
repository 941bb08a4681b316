package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One root the mesh CA knows, in a {@link RootState}. {@link #toString()} never shows the key.
 *
 * @param root the root certificate and its key
 * @param state where the root is in its life
 * @param since when it entered {@code state}
 */
public record TrustedRoot(RootCa root, RootState state, Instant since) {

  public TrustedRoot {
    requireNonNull(root, "root");
    requireNonNull(state, "state");
    requireNonNull(since, "since");
  }

  /** Hex SHA-256 of the certificate's DER: how nodes and the API name the root. */
  public String sha256() {
    return Pem.sha256(root.certificate());
  }

  /** The same root in {@code next} from {@code now}. */
  TrustedRoot to(RootState next, Instant now) {
    return new TrustedRoot(root, next, now);
  }

  @Override
  public String toString() {
    return "TrustedRoot[" + state.label() + ", sha256 " + sha256() + ", " + root + "]";
  }
}
