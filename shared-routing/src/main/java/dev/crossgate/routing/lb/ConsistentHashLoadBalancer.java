package dev.crossgate.routing.lb;

import dev.crossgate.policy.model.Service;
import dev.crossgate.routing.route.RequestView;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Sends requests with the same key to the same endpoint: a ring hash with virtual nodes
 * (Ketama style). Each endpoint owns {@code virtualNodes} points on a 64-bit ring, placed by
 * hashing its {@code address:port}; a request goes to the first point at or after the hash of
 * its key. Removing one of N endpoints moves only the keys it owned, about 1/N of them.
 *
 * <p>The key is a request header, a cookie or the client address ({@link
 * Service.ConsistentHash}). A request without the key is balanced round-robin.
 */
public final class ConsistentHashLoadBalancer implements LoadBalancer {

  /** Virtual nodes per endpoint; enough for a spread within a few percent of even. */
  public static final int DEFAULT_VIRTUAL_NODES = 160;

  private final List<UpstreamEndpoint> endpoints;
  private final Function<RequestView, String> keyOf;
  private final long[] ring;
  private final UpstreamEndpoint[] owners;
  private final RoundRobinLoadBalancer fallback;

  private ConsistentHashLoadBalancer(
      List<UpstreamEndpoint> endpoints, Function<RequestView, String> keyOf, int virtualNodes) {
    this.endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
    this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
    if (virtualNodes < 1) {
      throw new IllegalArgumentException("virtualNodes: " + virtualNodes + " (expected: >= 1)");
    }
    this.fallback = RoundRobinLoadBalancer.of(this.endpoints);
    int size = this.endpoints.size() * virtualNodes;
    long[][] points = new long[size][];
    int p = 0;
    for (int e = 0; e < this.endpoints.size(); e++) {
      long base = hash(this.endpoints.get(e).key());
      for (int v = 0; v < virtualNodes; v++) {
        points[p++] = new long[] {mix(base + v * 0x9E3779B97F4A7C15L), e};
      }
    }
    Arrays.sort(
        points, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    ring = new long[size];
    owners = new UpstreamEndpoint[size];
    for (int i = 0; i < size; i++) {
      ring[i] = points[i][0];
      owners[i] = this.endpoints.get((int) points[i][1]);
    }
  }

  /**
   * A balancer hashing on what {@code hashOn} names, with {@link #DEFAULT_VIRTUAL_NODES}.
   *
   * @throws IllegalArgumentException unless exactly one of header, cookie and sourceAddress is
   *     set
   */
  public static ConsistentHashLoadBalancer of(
      Service.ConsistentHash hashOn, List<UpstreamEndpoint> endpoints) {
    return new ConsistentHashLoadBalancer(endpoints, keyFunction(hashOn), DEFAULT_VIRTUAL_NODES);
  }

  /** A balancer with its own key function and number of virtual nodes per endpoint. */
  public static ConsistentHashLoadBalancer of(
      Function<RequestView, String> keyOf, List<UpstreamEndpoint> endpoints, int virtualNodes) {
    return new ConsistentHashLoadBalancer(endpoints, keyOf, virtualNodes);
  }

  static Function<RequestView, String> keyFunction(Service.ConsistentHash hashOn) {
    Objects.requireNonNull(hashOn, "consistentHash");
    String header = hashOn.header();
    String cookie = hashOn.cookie();
    boolean source = Boolean.TRUE.equals(hashOn.sourceAddress());
    int set = (header != null ? 1 : 0) + (cookie != null ? 1 : 0) + (source ? 1 : 0);
    if (set != 1) {
      throw new IllegalArgumentException(
          "consistentHash: "
              + hashOn
              + " (expected: exactly one of header, cookie, sourceAddress)");
    }
    if (header != null) {
      return request -> request.header(header);
    }
    if (cookie != null) {
      return request -> request.cookie(cookie);
    }
    return RequestView::clientAddress;
  }

  @Override
  public UpstreamEndpoint pick(RequestView request) {
    if (ring.length == 0) {
      return null;
    }
    String key = keyOf.apply(request);
    return key == null ? fallback.pick(request) : pick(key);
  }

  /** The endpoint owning a key. */
  UpstreamEndpoint pick(String key) {
    int i = Arrays.binarySearch(ring, hash(key));
    if (i < 0) {
      i = -i - 1;
    }
    return owners[i == ring.length ? 0 : i];
  }

  @Override
  public List<UpstreamEndpoint> endpoints() {
    return endpoints;
  }

  /** A 64-bit hash of the UTF-16 code units: FNV-1a, then the murmur3 finalizer. */
  static long hash(String s) {
    long h = 0xCBF29CE484222325L;
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001B3L;
    }
    return mix(h);
  }

  /** The murmur3 64-bit finalizer: every input bit affects every output bit. */
  static long mix(long h) {
    h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
    h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }
}
