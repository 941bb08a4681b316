package dev.crossgate.routing.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final ProxyMetrics metrics = new ProxyMetrics(registry);

  private double requests(String route, String backend, String statusClass) {
    return registry.get("crossgate_requests")
        .tags("route", route, "backend", backend, "status_class", statusClass)
        .counter().count();
  }

  @Test
  void countsRequestsByRouteBackendAndStatusClass() {
    metrics.request("shop/cart", "shop/cart-svc", 200, 1_000_000);
    metrics.request("shop/cart", "shop/cart-svc", 204, 1_000_000);
    metrics.request("shop/cart", "shop/cart-svc", 503, 1_000_000);
    metrics.request("shop/cart", "shop/other-svc", 404, 1_000_000);
    metrics.request("shop/users", "shop/cart-svc", 301, 1_000_000);

    assertThat(requests("shop/cart", "shop/cart-svc", "2xx")).isEqualTo(2);
    assertThat(requests("shop/cart", "shop/cart-svc", "5xx")).isEqualTo(1);
    assertThat(requests("shop/cart", "shop/cart-svc", "4xx")).isZero();
    assertThat(requests("shop/cart", "shop/other-svc", "4xx")).isEqualTo(1);
    assertThat(requests("shop/users", "shop/cart-svc", "3xx")).isEqualTo(1);
    assertThat(requests("shop/users", "shop/cart-svc", "1xx")).isZero();
  }

  @Test
  void recordsLatencyPerRouteAndBackend() {
    metrics.request("r", "b", 200, TimeUnit.MILLISECONDS.toNanos(5));
    metrics.request("r", "b", 500, TimeUnit.MILLISECONDS.toNanos(15));

    Timer timer = registry.get("crossgate_request_duration").tags("route", "r", "backend", "b")
        .timer();
    assertThat(timer.count()).isEqualTo(2);
    assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(20.0);
  }

  @Test
  void statusOutsideTheFiveClassesIsTimedButNotCounted() {
    metrics.request("r", "b", 0, 1000);
    metrics.request("r", "b", 600, 1000);

    assertThat(registry.get("crossgate_requests").counters())
        .allSatisfy(c -> assertThat(c.count()).isZero());
    assertThat(registry.get("crossgate_request_duration").timer().count()).isEqualTo(2);
  }

  @Test
  void countsConfigReloadsByResult() {
    metrics.configReload(true);
    metrics.configReload(true);
    metrics.configReload(false);

    assertThat(registry.get("crossgate_config_reloads").tag("result", "success").counter()
        .count()).isEqualTo(2);
    assertThat(registry.get("crossgate_config_reloads").tag("result", "failure").counter()
        .count()).isEqualTo(1);
  }

  @Test
  void countsDroppedAccessLogLines() {
    metrics.accessLogDropped();

    assertThat(registry.get("crossgate_access_log_dropped").counter().count()).isEqualTo(1);
    assertThat(metrics.registry()).isSameAs(registry);
  }
}
