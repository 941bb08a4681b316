package dev.crossgate.sidecar.traffic;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.distribution.v1.CallerTraffic;
import dev.crossgate.policy.distribution.v1.PolicyDenials;
import dev.crossgate.policy.distribution.v1.ServiceTraffic;
import dev.crossgate.policy.distribution.v1.TrafficReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Counts what the inbound port of one service sees, per caller (see {@link CallerNames}): requests
 * over plaintext and mTLS, 5xx answers, would-deny (audit) and denied (enforce) authorization
 * outcomes, plaintext refused by STRICT, and a fixed-bucket latency histogram. The same numbers
 * go to {@code /metrics} and, cumulatively, into each heartbeat ({@link #report}). At most
 * {@link #MAX_CALLERS} callers (and {@link #MAX_POLICIES} deciding policies) are told apart; the
 * rest count as {@code other}. Thread-safe.
 */
public final class TrafficRecorder {

  /** The most callers counted apart. */
  public static final int MAX_CALLERS = 64;
  /** The most deciding policies counted apart. */
  public static final int MAX_POLICIES = 64;
  /** The name that absorbs callers or policies beyond the bound. */
  public static final String OTHER = "other";

  private final String namespace;
  private final String service;
  private final MeterRegistry registry;
  private final long startedAtMillis = System.currentTimeMillis();
  /** Callers over mTLS and over plaintext, by name (two maps: no key is built per request). */
  private final Map<String, Caller> mtlsCallers = new ConcurrentHashMap<>();
  private final Map<String, Caller> plainCallers = new ConcurrentHashMap<>();
  private final Map<String, Policy> policies = new ConcurrentHashMap<>();
  private final LatencyBuckets latency = new LatencyBuckets();
  private final Timer timer;

  /** The outcome of one request, for counting. */
  public enum Outcome {
    /** Forwarded to the app (authorization allowed it, or it was off). */
    FORWARDED,
    /** Forwarded although authorization would deny it (audit). */
    WOULD_DENY,
    /** Answered 403 {@code authz_denied}. */
    DENIED,
    /** Plaintext answered 403 {@code mtls_required}. */
    REFUSED_PLAINTEXT
  }

  public TrafficRecorder(String namespace, String service, MeterRegistry registry) {
    this.namespace = requireNonNull(namespace, "namespace");
    this.service = requireNonNull(service, "service");
    this.registry = requireNonNull(registry, "registry");
    this.timer = Timer.builder("crossgate_sidecar_inbound_request_duration")
        .description("Inbound request latency, from the request to the end of the response")
        .serviceLevelObjectives(LatencyBuckets.boundsAsDurations())
        .register(registry);
  }

  private final class Caller {
    final boolean mtls;
    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder wouldDeny = new LongAdder();
    final LongAdder denied = new LongAdder();
    final LongAdder refused = new LongAdder();
    final Counter requestCounter;
    final Counter errorCounter;
    final Counter wouldDenyCounter;
    final Counter deniedCounter;

    Caller(String name, boolean mtls) {
      this.mtls = mtls;
      String transport = mtls ? "mtls" : "plaintext";
      requestCounter = Counter.builder("crossgate_sidecar_inbound_requests")
          .description("Inbound requests by caller and transport")
          .tag("caller", name).tag("transport", transport).register(registry);
      errorCounter = Counter.builder("crossgate_sidecar_inbound_errors")
          .description("Inbound requests answered with a 5xx status, by caller")
          .tag("caller", name).tag("transport", transport).register(registry);
      wouldDenyCounter = Counter.builder("crossgate_sidecar_authz_would_deny")
          .description("Requests authorization would deny (audit stages), let through, by caller")
          .tag("caller", name).register(registry);
      deniedCounter = Counter.builder("crossgate_sidecar_authz_denied")
          .description("Requests authorization denied (403 authz_denied), by caller")
          .tag("caller", name).register(registry);
    }
  }

  private static final class Policy {
    final LongAdder wouldDeny = new LongAdder();
    final LongAdder denied = new LongAdder();
  }

  /**
   * Counts one finished request.
   *
   * @param caller the caller's name ({@link CallerNames#of})
   * @param mtls whether it came over mTLS
   * @param outcome what the sidecar did with it
   * @param decidingPolicy for WOULD_DENY and DENIED: the deciding policy and rule (or the reason)
   * @param status the status answered
   * @param nanos how long it took
   */
  public void record(String caller, boolean mtls, Outcome outcome, String decidingPolicy,
      int status, long nanos) {
    Caller counts = caller(caller, mtls);
    counts.requests.increment();
    counts.requestCounter.increment();
    if (status >= 500) {
      counts.errors.increment();
      counts.errorCounter.increment();
    }
    switch (outcome) {
      case WOULD_DENY -> {
        counts.wouldDeny.increment();
        counts.wouldDenyCounter.increment();
        policy(decidingPolicy).wouldDeny.increment();
      }
      case DENIED -> {
        counts.denied.increment();
        counts.deniedCounter.increment();
        policy(decidingPolicy).denied.increment();
      }
      case REFUSED_PLAINTEXT -> counts.refused.increment();
      default -> { }
    }
    latency.record(nanos);
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  private Caller caller(String name, boolean mtls) {
    Map<String, Caller> callers = mtls ? mtlsCallers : plainCallers;
    Caller existing = callers.get(name);
    if (existing != null) {
      return existing;
    }
    if (mtlsCallers.size() + plainCallers.size() >= MAX_CALLERS) {
      return callers.computeIfAbsent(OTHER, k -> new Caller(OTHER, mtls));
    }
    return callers.computeIfAbsent(name, k -> new Caller(name, mtls));
  }

  private Policy policy(String name) {
    String key = name == null ? "unknown" : name;
    Policy existing = policies.get(key);
    if (existing != null) {
      return existing;
    }
    return policies.size() >= MAX_POLICIES ? policies.computeIfAbsent(OTHER, k -> new Policy())
        : policies.computeIfAbsent(key, k -> new Policy());
  }

  /** Everything counted since start, with the stage and revision the node runs now. */
  public TrafficReport report(String stage, long revision) {
    ServiceTraffic.Builder traffic = ServiceTraffic.newBuilder()
        .setNamespace(namespace).setService(service).setStage(stage).setRevision(revision)
        .setLatency(latency.snapshot());
    BiConsumer<String, Caller> add = (name, c) -> traffic.addCallers(CallerTraffic.newBuilder()
        .setCaller(name)
        .setMtls(c.mtls)
        .setRequests(c.requests.sum())
        .setErrors(c.errors.sum())
        .setWouldDeny(c.wouldDeny.sum())
        .setDenied(c.denied.sum())
        .setRefusedPlaintext(c.refused.sum()));
    mtlsCallers.forEach(add);
    plainCallers.forEach(add);
    policies.forEach((name, p) -> traffic.addDenials(PolicyDenials.newBuilder()
        .setPolicy(name).setWouldDeny(p.wouldDeny.sum()).setDenied(p.denied.sum())));
    return TrafficReport.newBuilder().setStartedAtMillis(startedAtMillis)
        .addServices(traffic).build();
  }
}
