package dev.crossgate.routing.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessLogEntryTest {

  static AccessLogEntry entry(String requestId, long upstreamMicros, String error) {
    return new AccessLogEntry(Instant.parse("2024-05-01T10:15:30.123Z"), requestId,
        "10.0.0.7", "GET", "shop.example.com", "/cart", "shop/cart", "shop/cart-svc",
        "10.1.0.2:8080", 200, 12, 345, 1500, upstreamMicros, error);
  }

  @Test
  void writesEveryFieldAsOneJsonObject() {
    String line = entry("r-1", 900, "upstream_timeout").toJson();

    assertThat(line).doesNotContain("\n");
    assertThat(new JsonObject(line).getMap()).containsOnly(
        Map.entry("time", "2024-05-01T10:15:30.123Z"),
        Map.entry("request_id", "r-1"),
        Map.entry("client", "10.0.0.7"),
        Map.entry("method", "GET"),
        Map.entry("host", "shop.example.com"),
        Map.entry("path", "/cart"),
        Map.entry("route", "shop/cart"),
        Map.entry("backend", "shop/cart-svc"),
        Map.entry("endpoint", "10.1.0.2:8080"),
        Map.entry("status", 200),
        Map.entry("bytes_in", 12),
        Map.entry("bytes_out", 345),
        Map.entry("duration_us", 1500),
        Map.entry("upstream_us", 900),
        Map.entry("error", "upstream_timeout"));
  }

  @Test
  void omitsUpstreamTimeAndErrorWhenAbsent() {
    JsonObject json = new JsonObject(entry("r-2", -1, null).toJson());

    assertThat(json.containsKey("upstream_us")).isFalse();
    assertThat(json.containsKey("error")).isFalse();
    assertThat(json.getLong("duration_us")).isEqualTo(1500L);
  }

  @Test
  void keepsZeroUpstreamTime() {
    assertThat(new JsonObject(entry("r-3", 0, null).toJson()).getLong("upstream_us")).isZero();
  }
}
