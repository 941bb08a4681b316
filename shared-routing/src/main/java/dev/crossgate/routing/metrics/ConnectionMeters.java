package dev.crossgate.routing.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link ConnectionEvents} as meters of one listener, for one kind ({@code tcp} or
 * {@code websocket}), as Prometheus shows them: {@code crossgate_<kind>_connections_open} (open
 * now), {@code crossgate_<kind>_connections_total}, {@code crossgate_<kind>_bytes_total{direction}}
 * ({@code to_backend}, {@code to_client}) and {@code crossgate_<kind>_closes_total{initiator,code}}.
 */
final class ConnectionMeters implements ConnectionEvents {

  private final MeterRegistry registry;
  private final String kind;
  private final String listener;
  private final AtomicLong open = new AtomicLong();
  private final Counter total;
  private final Counter toBackend;
  private final Counter toClient;
  private final ConcurrentHashMap<String, Counter> closes = new ConcurrentHashMap<>();

  ConnectionMeters(MeterRegistry registry, String kind, String listener) {
    this.registry = registry;
    this.kind = kind;
    this.listener = listener;
    String prefix = "crossgate_" + kind;
    Gauge.builder(prefix + "_connections_open", open, AtomicLong::get)
        .description("Open " + kind + " connections per listener").tag("listener", listener)
        .register(registry);
    this.total = Counter.builder(prefix + "_connections")
        .description("Accepted " + kind + " connections per listener").tag("listener", listener)
        .register(registry);
    this.toBackend = bytes(prefix, "to_backend");
    this.toClient = bytes(prefix, "to_client");
  }

  private Counter bytes(String prefix, String direction) {
    return Counter.builder(prefix + "_bytes")
        .description("Payload bytes relayed per listener and direction")
        .tags("listener", listener, "direction", direction).register(registry);
  }

  @Override
  public void opened() {
    open.incrementAndGet();
    total.increment();
  }

  @Override
  public void toBackend(long bytes) {
    toBackend.increment(bytes);
  }

  @Override
  public void toClient(long bytes) {
    toClient.increment(bytes);
  }

  @Override
  public void closed(String initiator, String code) {
    open.decrementAndGet();
    closes.computeIfAbsent(initiator + "|" + code, key -> Counter.builder(
            "crossgate_" + kind + "_closes")
        .description("Ended " + kind + " connections by initiator and close code")
        .tags("listener", listener, "initiator", initiator, "code", code).register(registry))
        .increment();
  }
}
