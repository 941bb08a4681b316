package dev.crossgate.routing.waf;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.ProxyExchange;
import dev.crossgate.waf.WafEngine;
import dev.crossgate.waf.engine.HttpRequestData;
import dev.crossgate.waf.engine.MatchEvent;
import dev.crossgate.waf.engine.Transaction;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inspects requests with the compiled rule set of one WafPolicy: the request line, headers,
 * query arguments and (with {@code SecRequestBodyAccess On}) the body are evaluated in phases 1
 * and 2 on a worker thread, never on the event loop, and the exchange resumes on its own
 * context. The body is read on the event loop up to the rule set's {@code SecRequestBodyLimit};
 * a longer body is refused with 413 ({@code SecRequestBodyLimitAction Reject}, block mode) or
 * inspected by its first bytes ({@code ProcessPartial}, or detect mode). The bytes read are
 * handed to the proxy, which forwards them unchanged (and streams any unread rest). In
 * {@code block} mode a disruptive match (a deny rule, or the CRS anomaly score over its
 * threshold) is a 403 {@code waf_blocked} naming the rule ids; in {@code detect} mode matches
 * are only logged. Every match is a JSON line on the {@link WafAudit} logger; the access log
 * gets {@code waf_rules} and {@code waf_anomaly_score}.
 */
public final class WafFilter implements HttpFilter {

  /** The access-log field listing the rule ids that matched. */
  public static final String LOG_RULES = "waf_rules";

  /** The access-log field with the inbound anomaly score. */
  public static final String LOG_SCORE = "waf_anomaly_score";

  /** The access-log field set when only the first bytes of the body were inspected. */
  public static final String LOG_PARTIAL = "waf_body_partial";

  private static final Logger LOG = LoggerFactory.getLogger(WafFilter.class);

  private final String policy;
  private final WafEngine engine;
  private final boolean blocks;
  private final WafMetrics metrics;

  /**
   * A filter.
   *
   * @param policy the policy's name for logs and errors, e.g. {@code WafPolicy default/waf}
   * @param engine the compiled rules, shared by every request
   * @param blocks whether matches refuse requests ({@code block}) or are only logged
   * @param metrics the meters
   */
  public WafFilter(String policy, WafEngine engine, boolean blocks, WafMetrics metrics) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.blocks = blocks;
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** The compiled engine (shared with other filters of the same policy content). */
  public WafEngine engine() {
    return engine;
  }

  /** The outcome of one inspection. */
  private record Verdict(Transaction tx, long nanos, RuntimeException error) {}

  @Override
  public Future<Void> onRequest(ProxyExchange exchange) {
    HttpRequestData head = requestData(exchange.request());
    if (!engine.rules().requestBodyAccess() || !exchange.requestHasBody()) {
      return inspectOffLoop(exchange, head, null);
    }
    long limit = engine.rules().requestBodyLimit();
    Buffer already = exchange.bufferedRequestBody();
    if (already != null) { // another WAF policy on this route read it
      return inspectOffLoop(exchange, head, bodyToInspect(exchange, already,
          exchange.bufferedRequestBodyComplete(), limit));
    }
    boolean rejects = blocks && engine.rules().requestBodyLimitRejects();
    long declared = declaredLength(exchange.request().getHeader("content-length"));
    if (rejects && declared > limit) {
      return tooLarge(limit);
    }
    HttpServerRequest request = exchange.request();
    String expect = request.getHeader("expect");
    if (expect != null && expect.equalsIgnoreCase("100-continue")) {
      // the body is needed before anything goes upstream: let the client send it now
      request.response().writeContinue();
      exchange.upstreamHeaders().remove("expect");
    }
    return RequestBodyReader.read(request, limit).compose(read -> {
      exchange.bufferedRequestBody(read.received(), read.complete());
      if (!read.complete() && rejects) {
        return tooLarge(limit);
      }
      return inspectOffLoop(exchange, head,
          bodyToInspect(exchange, read.received(), read.complete(), limit));
    });
  }

  /** The bytes phase 2 sees: the body, or its first {@code limit} bytes when longer. */
  private static Buffer bodyToInspect(ProxyExchange exchange, Buffer received, boolean complete,
      long limit) {
    if (complete && received.length() <= limit) {
      return received;
    }
    exchange.logDetail(LOG_PARTIAL, Long.toString(limit));
    return received.slice(0, (int) Math.min(limit, received.length()));
  }

  private Future<Void> tooLarge(long limit) {
    metrics.blocked(policy);
    return Future.failedFuture(new ProxyException(ErrorReason.PAYLOAD_TOO_LARGE,
        "the request body is longer than the " + limit + " bytes the WAF inspects"
            + " (SecRequestBodyLimit; limitAction reject)", policy, Map.of()));
  }

  private static long declaredLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private Future<Void> inspectOffLoop(ProxyExchange exchange, HttpRequestData head, Buffer body) {
    Context context = Vertx.currentContext();
    if (context == null) {
      return decide(exchange, inspect(head, body));
    }
    return context.executeBlocking(() -> inspect(head, body), false)
        .compose(verdict -> decide(exchange, verdict));
  }

  private Verdict inspect(HttpRequestData head, Buffer body) {
    long start = System.nanoTime();
    Transaction tx = engine.newTransaction();
    try {
      HttpRequestData data = body == null ? head : new HttpRequestData(head.method(),
          head.uri(), head.protocol(), head.headers(), body.getBytes(), head.remoteAddr(),
          head.remotePort());
      tx.processRequest(data);
      return new Verdict(tx, System.nanoTime() - start, null);
    } catch (RuntimeException e) {
      return new Verdict(tx, System.nanoTime() - start, e);
    }
  }

  private Future<Void> decide(ProxyExchange exchange, Verdict verdict) {
    metrics.inspected(policy, verdict.nanos());
    if (verdict.error() != null) {
      LOG.error("{}: the engine failed on request {}", policy, exchange.requestId(),
          verdict.error());
      if (blocks) {
        return Future.failedFuture(new ProxyException(ErrorReason.INTERNAL,
            policy + ": the WAF engine failed", policy, Map.of()));
      }
      return CONTINUE;
    }
    Transaction tx = verdict.tx();
    List<MatchEvent> matches = tx.matches();
    if (!matches.isEmpty()) {
      int score = anomalyScore(tx);
      String mode = blocks ? "block" : "detect";
      List<Long> ids = new ArrayList<>();
      for (MatchEvent match : matches) {
        metrics.matched(match.ruleId());
        WafAudit.write(WafAudit.line(exchange.requestId(), policy, mode, match, score));
        ids.add(match.ruleId());
      }
      exchange.logDetail(LOG_RULES, new JsonArray(ids).encode());
      exchange.logDetail(LOG_SCORE, Integer.toString(score));
    }
    Transaction.Interruption interruption = tx.interruption();
    if (interruption == null) {
      return CONTINUE;
    }
    metrics.blocked(policy);
    String rules = tx.matchedIds().stream().map(String::valueOf)
        .collect(Collectors.joining(", "));
    return Future.failedFuture(new ProxyException(ErrorReason.WAF_BLOCKED,
        "rule " + interruption.ruleId() + " refused the request in phase " + interruption.phase()
            + " (rules matched: " + rules + "; inbound anomaly score " + anomalyScore(tx) + ")",
        policy, Map.of()));
  }

  /** The CRS inbound anomaly score (CRS 4, else CRS 3), 0 without the CRS. */
  private static int anomalyScore(Transaction tx) {
    Map<String, String> vars = tx.tx();
    String value = vars.getOrDefault("blocking_inbound_anomaly_score", vars.get("anomaly_score"));
    try {
      return value == null ? 0 : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** What the engine sees of a request head: request line, headers and peer (no body). */
  static HttpRequestData requestData(HttpServerRequest request) {
    List<Map.Entry<String, String>> headers = new ArrayList<>(request.headers().size());
    for (Map.Entry<String, String> header : request.headers()) {
      headers.add(Map.entry(header.getKey(), header.getValue()));
    }
    String protocol = switch (request.version()) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_2 -> "HTTP/2.0";
      default -> "HTTP/1.1";
    };
    if (request.version() == HttpVersion.HTTP_2 && !request.headers().contains("host")
        && request.authority() != null) {
      // HTTP/2 carries the host as :authority; the CRS expects a Host header (rule 920280)
      headers.add(0, Map.entry("Host", request.authority().toString()));
    }
    SocketAddress peer = request.remoteAddress();
    return new HttpRequestData(request.method().name(), request.uri(), protocol, headers,
        new byte[0], peer == null ? "" : peer.hostAddress(), peer == null ? 0 : peer.port());
  }
}
