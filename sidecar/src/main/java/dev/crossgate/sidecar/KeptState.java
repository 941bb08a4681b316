package dev.crossgate.sidecar;

import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.routing.mesh.WorkloadCertificate;
import dev.crossgate.sidecar.state.SidecarState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what a sidecar kept on disk at start (its last-known-good snapshot and certificate) and
 * exposes, as metrics, whether it serves from them.
 */
final class KeptState {

  private static final Logger LOG = LoggerFactory.getLogger(KeptState.class);

  private KeptState() {}

  /**
   * Hands the kept snapshot to {@code apply} (which throws IllegalArgumentException when it does not validate) and answers the kept
   * certificate when it is still valid. Unreadable files are logged and ignored. Blocking.
   */
  static WorkloadCertificate load(SidecarState state, Consumer<Snapshot> apply, Clock clock) {
    if (state == null) {
      return null;
    }
    try {
      Optional<Snapshot> saved = state.snapshot().load();
      if (saved.isPresent()) {
        apply.accept(saved.get());
        LOG.info("starting from the last-known-good snapshot {} (revision {})",
            state.snapshot().file(), saved.get().getRevision());
      }
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("ignoring the last-known-good snapshot: {}", e.getMessage());
    }
    try {
      Optional<WorkloadCertificate> kept = state.certificate().load();
      if (kept.isPresent()) {
        if (kept.get().notAfter().isAfter(clock.instant())) {
          return kept.get();
        }
        LOG.info("the kept certificate {} expired at {}; not used", state.certificate().file(),
            kept.get().notAfter());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("ignoring the kept certificate: {}", e.getMessage());
    }
    return null;
  }

  /** Registers the gauges that say whether {@code sidecar} serves from what it kept. */
  static void register(MeterRegistry registry, SidecarServer sidecar) {
    Gauge.builder("crossgate_sidecar_last_known_good", sidecar,
            s -> s.servingLastKnownGood() ? 1 : 0)
        .description("1 while the sidecar serves its last-known-good snapshot from disk because "
            + "the control plane is unreachable")
        .register(registry);
    Gauge.builder("crossgate_sidecar_kept_certificate", sidecar,
            s -> s.servingKeptCertificate() ? 1 : 0)
        .description("1 while the sidecar serves with the certificate kept on disk because the "
            + "mesh CA has not answered")
        .register(registry);
  }
}
