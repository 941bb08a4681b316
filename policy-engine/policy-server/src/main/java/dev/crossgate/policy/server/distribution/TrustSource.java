package dev.crossgate.policy.server.distribution;

import java.util.List;

/**
 * The mesh trust bundle that every snapshot carries ({@code trust_roots_pem},
 * {@code signing_root_sha256}), with a signal when it changes and a report of which node applied
 * it. The mesh CA implements it; {@link #NONE} carries nothing.
 */
public interface TrustSource {

  /** No trust bundle: snapshots leave the fields empty. */
  TrustSource NONE = new TrustSource() {
    @Override
    public List<String> trustRootsPem() {
      return List.of();
    }

    @Override
    public String signingRootSha256() {
      return "";
    }

    @Override
    public AutoCloseable onTrustChange(Runnable listener) {
      return () -> {};
    }

    @Override
    public void trustApplied(String nodeId, List<String> rootsPem) {}
  };

  /** The roots to trust now, one PEM block each. */
  List<String> trustRootsPem();

  /** Hex SHA-256 of the root that signs new certificates now. */
  String signingRootSha256();

  /** Runs {@code listener} (on any thread) whenever the bundle changes; close to stop. */
  AutoCloseable onTrustChange(Runnable listener);

  /** Node {@code nodeId} applied (ACKed) a snapshot carrying {@code rootsPem}. */
  void trustApplied(String nodeId, List<String> rootsPem);
}
