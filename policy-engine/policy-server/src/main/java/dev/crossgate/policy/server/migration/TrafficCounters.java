package dev.crossgate.policy.server.migration;

import dev.crossgate.policy.distribution.v1.CallerTraffic;
import dev.crossgate.policy.distribution.v1.LatencyHistogram;
import dev.crossgate.policy.distribution.v1.PolicyDenials;
import dev.crossgate.policy.distribution.v1.ServiceTraffic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * One service's traffic counters, summed over nodes or subtracted between two moments: per
 * caller (requests, 5xx errors, would-deny, denied, plaintext refused), per deciding policy
 * (would-deny, denied), and a fixed-bucket latency histogram. Mutable; not thread-safe (built
 * and read by one request of the API).
 */
final class TrafficCounters {

  /** A caller over one transport. */
  record Caller(String name, boolean mtls) implements Comparable<Caller> {
    @Override
    public int compareTo(Caller other) {
      int byName = name.compareTo(other.name);
      return byName != 0 ? byName : Boolean.compare(mtls, other.mtls);
    }
  }

  static final int REQUESTS = 0;
  static final int ERRORS = 1;
  static final int WOULD_DENY = 2;
  static final int DENIED = 3;
  static final int REFUSED = 4;

  private final Map<Caller, long[]> callers = new TreeMap<>();
  private final Map<String, long[]> policies = new TreeMap<>();
  private List<Double> bounds = List.of();
  private long[] buckets = new long[0];

  /** Nothing counted. */
  static TrafficCounters empty() {
    return new TrafficCounters();
  }

  /** The counters of one report. */
  static TrafficCounters of(ServiceTraffic traffic) {
    TrafficCounters counters = new TrafficCounters();
    for (CallerTraffic caller : traffic.getCallersList()) {
      counters.callers.merge(new Caller(caller.getCaller(), caller.getMtls()),
          new long[] {caller.getRequests(), caller.getErrors(), caller.getWouldDeny(),
              caller.getDenied(), caller.getRefusedPlaintext()}, TrafficCounters::sum);
    }
    for (PolicyDenials policy : traffic.getDenialsList()) {
      counters.policies.merge(policy.getPolicy(),
          new long[] {policy.getWouldDeny(), policy.getDenied()}, TrafficCounters::sum);
    }
    LatencyHistogram latency = traffic.getLatency();
    counters.bounds = List.copyOf(latency.getUpperBoundsMillisList());
    counters.buckets = latency.getCountsList().stream().mapToLong(Long::longValue).toArray();
    return counters;
  }

  private static long[] sum(long[] a, long[] b) {
    long[] result = a.clone();
    for (int i = 0; i < result.length; i++) {
      result[i] += b[i];
    }
    return result;
  }

  /** Adds {@code other} ({@code sign} 1) or subtracts it ({@code sign} -1, floored at 0). */
  TrafficCounters add(TrafficCounters other, int sign) {
    other.callers.forEach((caller, counts) -> merge(callers, caller, counts, sign));
    other.policies.forEach((policy, counts) -> merge(policies, policy, counts, sign));
    if (buckets.length == 0 && sign > 0) {
      bounds = other.bounds;
      buckets = other.buckets.clone();
    } else if (other.bounds.equals(bounds) && other.buckets.length == buckets.length) {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = Math.max(0, buckets[i] + sign * other.buckets[i]);
      }
    }
    return this;
  }

  private static <K> void merge(Map<K, long[]> into, K key, long[] counts, int sign) {
    long[] current = into.computeIfAbsent(key, k -> new long[counts.length]);
    for (int i = 0; i < counts.length; i++) {
      current[i] = Math.max(0, current[i] + sign * counts[i]);
    }
  }

  /** Per caller: requests, errors, would-deny, denied, refused (index constants). */
  Map<Caller, long[]> callers() {
    return callers;
  }

  /** Per deciding policy: would-deny, denied. */
  Map<String, long[]> policies() {
    return policies;
  }

  /** Sum of one caller counter ({@link #REQUESTS}, …) over every caller. */
  long total(int counter) {
    long total = 0;
    for (long[] counts : callers.values()) {
      total += counts[counter];
    }
    return total;
  }

  /** The callers that sent at least one request over plaintext, by name. */
  List<String> plaintextCallers() {
    List<String> names = new ArrayList<>();
    callers.forEach((caller, counts) -> {
      if (!caller.mtls() && counts[REQUESTS] > 0) {
        names.add(caller.name());
      }
    });
    return names;
  }

  /** The highest bucket bound in milliseconds (0 without a histogram). */
  double lastBound() {
    return bounds.isEmpty() ? 0 : bounds.get(bounds.size() - 1);
  }

  /** The share of requests answered with a 5xx, or empty without requests. */
  OptionalDouble errorRate() {
    long requests = total(REQUESTS);
    return requests == 0 ? OptionalDouble.empty()
        : OptionalDouble.of((double) total(ERRORS) / requests);
  }

  /**
   * The {@code quantile} latency (0..1) as the upper bound of the bucket it falls in, in
   * milliseconds; infinity above the last bound; empty without samples.
   */
  OptionalDouble latencyMillis(double quantile) {
    long count = 0;
    for (long n : buckets) {
      count += n;
    }
    if (count == 0) {
      return OptionalDouble.empty();
    }
    long rank = (long) Math.ceil(quantile * count);
    long seen = 0;
    for (int i = 0; i < buckets.length; i++) {
      seen += buckets[i];
      if (seen >= rank) {
        return OptionalDouble.of(i < bounds.size() ? bounds.get(i) : Double.POSITIVE_INFINITY);
      }
    }
    return OptionalDouble.of(Double.POSITIVE_INFINITY);
  }
}
