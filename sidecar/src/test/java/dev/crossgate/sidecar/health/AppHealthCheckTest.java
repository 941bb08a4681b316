package dev.crossgate.sidecar.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.distribution.AppHealth;
import dev.crossgate.policy.model.GatewayDuration;
import dev.crossgate.policy.model.Service;
import dev.crossgate.testkit.BackendBehaviors;
import dev.crossgate.testkit.TestBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sidecar's check of its own app on its own, against a real app on loopback. */
class AppHealthCheckTest {

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger changes = new AtomicInteger();
  private TestBackend app;
  private AppHealthCheck check;

  @AfterEach
  void stop() {
    if (check != null) {
      check.close();
    }
    if (app != null) {
      app.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private static Service.Spec spec(String interval, String timeout, int healthy, int unhealthy,
      Boolean failOpen) {
    return new Service.Spec(List.of(new Service.Endpoint("127.0.0.1", 1)), null, null,
        new Service.HealthCheck("/healthz", GatewayDuration.of(interval),
            GatewayDuration.of(timeout), healthy, unhealthy, failOpen),
        null, null, null, null, null, null);
  }

  private AppHealthCheck check(int port) {
    check = new AppHealthCheck(vertx, "127.0.0.1", port, registry, changes::incrementAndGet);
    return check;
  }

  @Test
  void withoutAHealthCheckItHoldsNoTimerNoClientAndNoMeter() {
    AppHealthCheck idle = check(1);
    idle.apply(new Service.Spec(List.of(), null, null, null, null, null, null, null, null, null));
    idle.apply(null);
    assertThat(idle.running()).isFalse();
    assertThat(idle.holdsClients()).isFalse();
    assertThat(registry.getMeters()).isEmpty();
    assertThat(idle.report()).isEqualTo(AppHealth.HEALTHY);
    assertThat(idle.describe().encode()).isEqualTo("{\"state\":\"unchecked\"}");
    assertThat(changes.get()).isZero();
  }

  @Test
  void anAppThatNeverAnswersFailsByTimeoutAndTheReportSaysWhy() throws Exception {
    app = TestBackend.start("silent").behave(BackendBehaviors.neverRespond());
    AppHealthCheck running = check(app.port());
    running.apply(spec("300ms", "100ms", 1, 2, false));
    assertThat(running.running()).isTrue();
    eventually(() -> running.state() == AppHealthCheck.State.UNHEALTHY);
    assertThat(running.report()).isEqualTo(new AppHealth(true, "timeout after 100 ms", false));
    assertThat(changes.get()).isGreaterThanOrEqualTo(2); // failOpen false reported, then unhealthy
    assertThat(registry.get("crossgate_sidecar_app_health_probes").tag("result", "timeout")
        .counter().count()).isGreaterThanOrEqualTo(2);
    assertThat(registry.get("crossgate_sidecar_app_health").tag("state", "unhealthy").gauge()
        .value()).isEqualTo(1.0);
  }

  @Test
  void newSettingsKeepTheVerdictAndRemovingTheCheckForgetsItAndItsClients() throws Exception {
    app = TestBackend.start("broken").behave(BackendBehaviors.status(503));
    AppHealthCheck running = check(app.port());
    running.apply(spec("300ms", "200ms", 2, 1, null));
    // Each failed probe names its cause: on a loaded machine the first may be a timeout.
    eventually(() -> running.report().equals(new AppHealth(true, "status 503", true)));

    running.apply(spec("400ms", "200ms", 2, 1, null)); // a new interval, no restart
    assertThat(running.state()).isEqualTo(AppHealthCheck.State.UNHEALTHY);
    assertThat(running.running()).isTrue();
    assertThat(running.describe().getLong("intervalMillis")).isEqualTo(400);
    int probes = app.requests().size();
    eventually(() -> app.requests().size() > probes); // the new timer probes

    running.apply(null);
    assertThat(running.state()).isEqualTo(AppHealthCheck.State.UNCHECKED);
    assertThat(running.report()).isEqualTo(AppHealth.HEALTHY);
    assertThat(running.running()).isFalse();
    assertThat(running.holdsClients()).isFalse();
  }

  @Test
  void nothingListeningIsConnectionRefused() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      port = free.getLocalPort();
    }
    AppHealthCheck running = check(port);
    running.apply(spec("300ms", "200ms", 1, 1, null));
    eventually(() -> running.report().equals(new AppHealth(true, "connection refused", true)));
    assertThat(running.state()).isEqualTo(AppHealthCheck.State.UNHEALTHY);
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s");
      }
      Thread.sleep(10);
    }
  }
}
