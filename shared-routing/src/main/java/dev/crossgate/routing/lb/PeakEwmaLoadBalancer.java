package dev.crossgate.routing.lb;

import dev.crossgate.routing.route.RequestView;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Latency-aware balancing in the style of Finagle and Linkerd: each endpoint's cost is its
 * peak-EWMA latency times {@code (requests in flight + 1)}, and the cheaper of two random
 * endpoints is picked (power of two choices). An endpoint without a latency sample yet is
 * costed at a default latency, like Linkerd's default RTT estimate, so new endpoints are tried
 * without being flooded before their first response. The EWMA time constant is set per
 * endpoint, see {@link UpstreamEndpoint#DEFAULT_DECAY}.
 */
public final class PeakEwmaLoadBalancer implements LoadBalancer {

  /** The latency assumed for an endpoint that has not answered yet. */
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
   * A balancer with its own penalty for endpoints without a sample.
   *
   * @param unsampledLatency the latency assumed until an endpoint's first response
   */
  public static PeakEwmaLoadBalancer of(
      List<UpstreamEndpoint> endpoints, Duration unsampledLatency) {
    return new PeakEwmaLoadBalancer(endpoints, unsampledLatency);
  }

  @Override
  public UpstreamEndpoint pick(RequestView request) {
    return PowerOfTwoChoices.pick(endpoints, this::cost);
  }

  /**
   * The endpoint's cost: latency estimate × (requests in flight + 1). The estimate is floored at
   * 1 ns so that an estimate decayed to zero still ranks endpoints by their load.
   */
  double cost(UpstreamEndpoint endpoint) {
    double latency = endpoint.hasLatencySample() ? endpoint.peakEwmaNanos() : unsampledNanos;
    return Math.max(latency, 1) * (endpoint.activeRequests() + 1);
  }

  @Override
  public List<UpstreamEndpoint> endpoints() {
    return endpoints;
  }
}
