package dev.crossgate.sidecar.health;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.distribution.AppHealth;
import dev.crossgate.policy.model.Service;
import dev.crossgate.routing.resilience.BackendResilience.HealthCheckSettings;
import dev.crossgate.routing.resilience.EndpointHealth;
import dev.crossgate.routing.upstream.BackendProtocol;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active health check of the sidecar's own app, on its Service's {@code spec.healthCheck}:
 * a probe of the local app port every {@code interval} (see {@link AppProbe}); the verdict flips
 * after {@code unhealthyThreshold} failed probes in a row and back after
 * {@code healthyThreshold} passing ones (the same {@link EndpointHealth} counting the gateway's
 * checks use). Each snapshot's Service is {@link #apply applied}: a check starts, stops or
 * changes without a restart. Every change of what it {@link #report reports} calls the listener
 * given at construction, so that the engine hears it at once. Without a health check it holds no
 * timer and no client. Thread-safe.
 */
public final class AppHealthCheck implements AutoCloseable {

  /** What the check says of the app now. */
  public enum State {
    /** The Service has no health check. */
    UNCHECKED,
    /** The app passes. */
    HEALTHY,
    /** The app failed {@code unhealthyThreshold} probes in a row. */
    UNHEALTHY;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The settings of a running check and the protocol it probes with. */
  private record Check(HealthCheckSettings settings, BackendProtocol protocol) {

    static Check of(Service.Spec spec) {
      if (spec == null || spec.healthCheck() == null) {
        return null;
      }
      BackendProtocol protocol;
      try {
        protocol = BackendProtocol.parse(spec.protocol());
      } catch (IllegalArgumentException e) {
        protocol = BackendProtocol.HTTP1; // the inbound side talks HTTP/1.1 to it too
      }
      return new Check(HealthCheckSettings.of(spec.healthCheck()), protocol);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(AppHealthCheck.class);

  private final Vertx vertx;
  private final String appHost;
  private final int appPort;
  private final MeterRegistry registry;
  private final Runnable onChange;
  private AppProbe probe;
  private AppHealthMetrics metrics;
  private Check running;
  private EndpointHealth verdict;
  private long timer = -1;
  private long generation;
  private String lastFailure;
  private Instant lastFailureAt;
  private boolean closed;
  private volatile AppHealth report = AppHealth.HEALTHY;
  private volatile State state = State.UNCHECKED;

  /**
   * A check of the app on {@code appHost:appPort}, idle until a Service with a health check is
   * applied.
   *
   * @param onChange called (on any thread, must not block) when {@link #report()} changed
   */
  public AppHealthCheck(Vertx vertx, String appHost, int appPort, MeterRegistry registry,
      Runnable onChange) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.appHost = requireNonNull(appHost, "appHost");
    this.appPort = appPort;
    this.registry = requireNonNull(registry, "registry");
    this.onChange = requireNonNull(onChange, "onChange");
  }

  /**
   * Runs the health check of {@code spec} (the sidecar's own Service; null when the snapshot has
   * none): starts, restarts with new settings, or stops it. The same settings again change
   * nothing; the verdict survives a change of settings and is forgotten when the check stops.
   */
  public void apply(Service.Spec spec) {
    Check next = Check.of(spec);
    synchronized (this) {
      if (closed || Objects.equals(next, running)) {
        return;
      }
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      generation++;
      running = next;
      if (next == null) {
        LOG.info("app health check stopped: the Service has no healthCheck");
        verdict = null;
        lastFailure = null;
        lastFailureAt = null;
        if (probe != null) {
          probe.close();
          probe = null;
        }
      } else {
        LOG.info("app health check of {}:{}: {} {} every {} ms (timeout {} ms, thresholds {}/{}, "
                + "failOpen {})", appHost, appPort, next.protocol(),
            next.protocol() == BackendProtocol.TCP ? "connect" : "GET " + next.settings().path(),
            next.settings().interval().toMillis(), next.settings().timeout().toMillis(),
            next.settings().healthyThreshold(), next.settings().unhealthyThreshold(),
            next.settings().failOpen());
        if (verdict == null) {
          verdict = new EndpointHealth();
        }
        if (probe == null) {
          probe = new AppProbe(vertx, appHost, appPort);
        }
        if (metrics == null) {
          metrics = new AppHealthMetrics(registry, () -> state);
        }
        long current = generation;
        probe(current, next); // the first verdict without waiting an interval
        timer = vertx.setPeriodic(Math.max(1, next.settings().interval().toMillis()),
            id -> probe(current, next));
      }
    }
    refreshReport();
  }

  private void probe(long of, Check check) {
    synchronized (this) {
      if (closed || of != generation) {
        return;
      }
      probe.probe(check.protocol(), check.settings().path(),
              Math.max(1, check.settings().timeout().toMillis()))
          .onComplete(ar -> recorded(of, check, ar.result()));
    }
  }

  private void recorded(long of, Check check, ProbeResult result) {
    synchronized (this) {
      if (closed || of != generation) {
        return; // a probe of settings no longer in use
      }
      metrics.probed(result.outcome());
      if (!result.success()) {
        lastFailure = result.reason();
        lastFailureAt = Instant.now();
      }
      if (verdict.probe(result.success(), check.settings().healthyThreshold(),
          check.settings().unhealthyThreshold())) {
        if (verdict.healthy()) {
          LOG.info("app {}:{} is healthy again", appHost, appPort);
        } else {
          LOG.warn("app {}:{} is unhealthy after {} failed probes: {}", appHost, appPort,
              check.settings().unhealthyThreshold(), result.reason());
        }
      }
    }
    refreshReport();
  }

  /** Recomputes the report and the state; tells the listener when the report changed. */
  private void refreshReport() {
    AppHealth next;
    synchronized (this) {
      if (running == null || verdict == null) {
        state = State.UNCHECKED;
        next = AppHealth.HEALTHY;
      } else if (verdict.healthy()) {
        state = State.HEALTHY;
        next = new AppHealth(false, "", running.settings().failOpen());
      } else {
        state = State.UNHEALTHY;
        next = new AppHealth(true, lastFailure == null ? "" : lastFailure,
            running.settings().failOpen());
      }
      if (next.equals(report)) {
        return;
      }
      report = next;
    }
    onChange.run();
  }

  /** What the engine is told: whether the app is unhealthy, why, and whether it fails open. */
  public AppHealth report() {
    return report;
  }

  /** The state now. */
  public State state() {
    return state;
  }

  /** The check, its state and the last failure, for {@code /config_dump}. */
  public synchronized JsonObject describe() {
    JsonObject out = new JsonObject().put("state", state.label());
    if (running != null) {
      HealthCheckSettings settings = running.settings();
      out.put("probe", running.protocol() == BackendProtocol.TCP ? "tcp connect"
              : "GET " + settings.path())
          .put("app", appHost + ":" + appPort)
          .put("intervalMillis", settings.interval().toMillis())
          .put("timeoutMillis", settings.timeout().toMillis())
          .put("healthyThreshold", settings.healthyThreshold())
          .put("unhealthyThreshold", settings.unhealthyThreshold())
          .put("failOpen", settings.failOpen());
    }
    if (lastFailure != null) {
      out.put("lastFailure", lastFailure).put("lastFailureAt", lastFailureAt.toString());
    }
    return out;
  }

  /** Whether a probe timer runs; for tests of the idle footprint. */
  public synchronized boolean running() {
    return timer >= 0;
  }

  /** Whether it holds probe clients (made at the first check); for tests of the idle footprint. */
  synchronized boolean holdsClients() {
    return probe != null;
  }

  /** Stops the check and closes its clients. */
  @Override
  public synchronized void close() {
    closed = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (probe != null) {
      probe.close();
      probe = null;
    }
  }
}
