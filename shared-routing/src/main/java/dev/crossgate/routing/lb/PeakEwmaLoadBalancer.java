package dev.crossgate.routing.lb;

import dev.crossgate.routing.route.RequestView;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Latency-aware balancing in the style of Finagle and Linkerd: each endpoint's cost is its
 * peak-EWMA latency times {@code (requests in flight + 1)}, and the cheaper of two random
 * endpoints is picked (power of two choices).
 *
 * <p>An endpoint without a latency sample yet (one that just joined) is costed at a default
 * latency, like Linkerd's default RTT estimate, but never above the latency of the endpoint it
 * is drawn against: against a fast, idle peer it ties, so it gets its first request soon even
 * under serial load, and its in-flight count keeps it from being flooded before that first
 * response. The EWMA time constant is set per endpoint, see
 * {@link UpstreamEndpoint#DEFAULT_DECAY}.
 */
public final class PeakEwmaLoadBalancer implements LoadBalancer {

  /**
   * The latency assumed for an endpoint that has not answered yet, when it is drawn against
   * another such endpoint or against a slower one.
   */
  public static final Duration DEFAULT_UNSAMPLED_LATENCY = Duration.ofMillis(30);

  private final List<UpstreamEndpoint> endpoints;
  private final double unsampledNanos;

  private PeakEwmaLoadBalancer(List<UpstreamEndpoint> endpoints, Duration unsampledLatency) {
    this.endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
    Objects.requireNonNull(unsampledLatency, "unsampledLatency");
    if (unsampledLatency.isNegative()) {
      throw new IllegalArgumentException(
          "unsampledLatency: " + unsampledLatency + " (expected: >= 0)");
    }
    this.unsampledNanos = unsampledLatency.toNanos();
  }

  public static PeakEwmaLoadBalancer of(List<UpstreamEndpoint> endpoints) {
    return new PeakEwmaLoadBalancer(endpoints, DEFAULT_UNSAMPLED_LATENCY);
  }

  /**
   * A balancer with its own latency for endpoints without a sample.
   *
   * @param unsampledLatency the latency assumed until an endpoint's first response, at most
   *     that of the endpoint it is drawn against
   */
  public static PeakEwmaLoadBalancer of(
      List<UpstreamEndpoint> endpoints, Duration unsampledLatency) {
    return new PeakEwmaLoadBalancer(endpoints, unsampledLatency);
  }

  @Override
  public UpstreamEndpoint pick(RequestView request) {
    return PowerOfTwoChoices.pick(endpoints, this::prefersSecond);
  }

  private boolean prefersSecond(UpstreamEndpoint first, UpstreamEndpoint second) {
    double firstLatency = latency(first, second);
    double secondLatency = latency(second, first);
    return cost(second, secondLatency) < cost(first, firstLatency);
  }

  /** The endpoint's latency estimate, an unsampled one capped at its rival's. */
  private double latency(UpstreamEndpoint endpoint, UpstreamEndpoint rival) {
    if (endpoint.hasLatencySample()) {
      return endpoint.peakEwmaNanos();
    }
    return rival.hasLatencySample()
        ? Math.min(unsampledNanos, rival.peakEwmaNanos()) : unsampledNanos;
  }

  /**
   * An endpoint's cost: latency estimate × (requests in flight + 1). The estimate is floored at
   * 1 ns so that an estimate decayed to zero still ranks endpoints by their load.
   */
  private static double cost(UpstreamEndpoint endpoint, double latencyNanos) {
    return Math.max(latencyNanos, 1) * (endpoint.activeRequests() + 1);
  }

  @Override
  public List<UpstreamEndpoint> endpoints() {
    return endpoints;
  }
}
