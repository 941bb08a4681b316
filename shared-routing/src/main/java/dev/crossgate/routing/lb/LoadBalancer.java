package dev.crossgate.routing.lb;

import dev.crossgate.routing.route.RequestView;
import java.util.List;

/** Picks the endpoint of a backend a request is sent to. Implementations are thread-safe. */
public interface LoadBalancer {

  /** The endpoint for this request, or null when there are no endpoints. */
  UpstreamEndpoint pick(RequestView request);

  /** The endpoints picked from, immutable. */
  List<UpstreamEndpoint> endpoints();
}
