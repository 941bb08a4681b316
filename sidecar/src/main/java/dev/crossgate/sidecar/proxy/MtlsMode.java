package dev.crossgate.sidecar.proxy;

/** What the inbound port accepts, as {@code MeshMigration}'s {@code mtls} mode says. */
public enum MtlsMode {
  /** Mutual TLS and plaintext on the same port, told apart per connection; plaintext is counted. */
  PERMISSIVE,
  /** Mutual TLS only; a plaintext request gets a {@code mtls_required} error. */
  STRICT
}
