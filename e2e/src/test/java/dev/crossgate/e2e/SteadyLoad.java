package dev.crossgate.e2e;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One caller sending requests at a steady rate (open loop: a slow answer does not slow the
 * sending) with the JDK's async HTTP/1.1 client, keeping every outcome: when it was sent and
 * answered, the status and body, or the exception. A failure is anything but a 200.
 *
 * <p>At most {@link #MAX_IN_FLIGHT} requests are out at once (each holds a connection): a tick
 * that finds that many is skipped and counted, so a system too slow for the rate shows as
 * skipped ticks in the summary instead of exhausting the test JVM's file descriptors.
 */
final class SteadyLoad implements AutoCloseable {

  /** One request's outcome; {@code status} is -1 when no response came. */
  record Outcome(String caller, long sentNanos, long doneNanos, int status, String body,
      String error) {

    boolean ok() {
      return status == 200 && error == null;
    }

    String peer() {
      return PeerEcho.peer(body);
    }

    String app() {
      return PeerEcho.app(body);
    }

    @Override
    public String toString() {
      return caller + " sent at +" + TimeUnit.NANOSECONDS.toMillis(sentNanos - EPOCH) + " ms: "
          + (error != null ? error : "HTTP " + status + " " + body.strip());
    }
  }

  private static final long EPOCH = System.nanoTime();
  static final int MAX_IN_FLIGHT = 64;

  /** The rate each caller sends at: system property {@code crossgate.e2e.rate}, default 50/s. */
  static int rate() {
    return Integer.getInteger("crossgate.e2e.rate", 50);
  }

  /** Milliseconds from this class's start to {@code nanos}, as outcomes print their times. */
  static long sinceStart(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos - EPOCH);
  }

  private final String caller;
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final Supplier<HttpRequest.Builder> request;
  private final ScheduledExecutorService ticker;
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger skipped = new AtomicInteger();

  private SteadyLoad(String caller, Supplier<HttpRequest.Builder> request, int perSecond) {
    this.caller = caller;
    this.request = request;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "load-" + caller);
      thread.setDaemon(true);
      return thread;
    });
    ticker.scheduleAtFixedRate(this::send, 0, 1_000_000_000L / perSecond, TimeUnit.NANOSECONDS);
  }

  /** Starts sending {@code perSecond} requests a second, each built afresh by {@code request}. */
  static SteadyLoad start(String caller, int perSecond, Supplier<HttpRequest.Builder> request) {
    return new SteadyLoad(caller, request, perSecond);
  }

  private void send() {
    if (inFlight.get() >= MAX_IN_FLIGHT) {
      skipped.incrementAndGet();
      return;
    }
    long sent = System.nanoTime();
    inFlight.incrementAndGet();
    client.sendAsync(request.get().timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .whenComplete((response, failure) -> {
          long done = System.nanoTime();
          outcomes.add(failure != null
              ? new Outcome(caller, sent, done, -1, "", String.valueOf(failure))
              : new Outcome(caller, sent, done, response.statusCode(), response.body(), null));
          inFlight.decrementAndGet();
        });
  }

  String caller() {
    return caller;
  }

  /** Ticks skipped because {@link #MAX_IN_FLIGHT} requests were out. */
  int skipped() {
    return skipped.get();
  }

  List<Outcome> outcomes() {
    return List.copyOf(outcomes);
  }

  List<Outcome> failures() {
    return outcomes.stream().filter(o -> !o.ok()).toList();
  }

  /** The outcomes of requests sent at or after {@code nanos} (System.nanoTime). */
  List<Outcome> sentSince(long nanos) {
    return outcomes.stream().filter(o -> o.sentNanos() >= nanos).toList();
  }

  /**
   * Waits (with a deadline) until {@code count} requests sent at or after {@code nanos} are
   * answered, and returns those.
   */
  List<Outcome> awaitSentSince(long nanos, int count, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    List<Outcome> seen;
    while ((seen = sentSince(nanos)).size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(caller + ": " + seen.size() + " of " + count
            + " answers to requests sent since the mark within " + within);
      }
      Thread.sleep(10);
    }
    return seen;
  }

  /** Counts by {@code key} (e.g. the peer the app saw) of {@code outcomes} that match. */
  static Map<String, Integer> tally(List<Outcome> outcomes,
      java.util.function.Function<Outcome, String> key, Predicate<Outcome> which) {
    Map<String, Integer> counts = new TreeMap<>();
    for (Outcome outcome : outcomes) {
      if (which.test(outcome)) {
        counts.merge(key.apply(outcome), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** Stops sending and waits (10 s at most) for the requests still out. */
  void stop() throws InterruptedException {
    ticker.shutdownNow();
    ticker.awaitTermination(5, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /**
   * A summary: requests, failures by kind (status and Crossgate error reason, or exception) with
   * when the first and last of each kind was sent, and the first few failures in full.
   */
  String summary() {
    List<Outcome> failed = failures();
    Map<String, long[]> kinds = new TreeMap<>();
    for (Outcome outcome : failed) {
      long at = TimeUnit.NANOSECONDS.toMillis(outcome.sentNanos() - EPOCH);
      long[] seen = kinds.computeIfAbsent(kind(outcome), k -> new long[] {0, at, at});
      seen[0]++;
      seen[1] = Math.min(seen[1], at);
      seen[2] = Math.max(seen[2], at);
    }
    StringBuilder text = new StringBuilder(caller + ": " + outcomes.size() + " requests, "
        + failed.size() + " failed, " + skipped.get() + " ticks skipped (" + MAX_IN_FLIGHT
        + " in flight)");
    kinds.forEach((kind, seen) -> text.append("\n  ").append(seen[0]).append(" × ").append(kind)
        .append(" (sent +").append(seen[1]).append("..+").append(seen[2]).append(" ms)"));
    failed.stream().limit(5).forEach(o -> text.append("\n  e.g. ").append(o));
    return text.toString();
  }

  private static String kind(Outcome outcome) {
    if (outcome.error() != null) {
      String error = outcome.error();
      int colon = error.lastIndexOf("Exception");
      return colon < 0 ? error : error.substring(0, colon + "Exception".length())
          .replaceAll(".*[.$]", "");
    }
    java.util.regex.Matcher reason = java.util.regex.Pattern.compile("\"reason\":\"([a-z_]+)\"")
        .matcher(outcome.body());
    return "HTTP " + outcome.status() + (reason.find() ? " " + reason.group(1) : "");
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
