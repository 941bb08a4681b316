package dev.crossgate.routing.filter;

import dev.crossgate.routing.authn.RequestIdentity;
import dev.crossgate.routing.route.RequestView;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One request on its way through the proxy: the client request, the upstream request being
 * built, the upstream response head once it arrives, and what the access log will say. Used by
 * one event-loop thread at a time; not thread-safe.
 */
public final class ProxyExchange {

  private final HttpServerRequest request;
  private final RequestView view;
  private final String requestId;
  private final long startNanos;
  private final MultiMap upstreamHeaders;
  private String upstreamPath;
  private String upstreamQuery;
  private String upstreamAuthority;
  private String routeName;
  private String matchedPrefix;
  private MultiMap responseHeaders;
  private int responseStatus;
  private LocalReply reply;
  private List<BodyTap> bodyTaps;
  private Buffer bufferedBody;
  private boolean bufferedBodyComplete;
  private int filtersRun;
  private RequestIdentity identity = RequestIdentity.ANONYMOUS;
  private Map<String, String> logDetails;

  /**
   * Starts an exchange.
   *
   * @param request the client request
   * @param view the routing view of it
   * @param requestId the request id (received or generated)
   * @param upstreamHeaders the headers to send upstream (already without hop-by-hop headers)
   */
  public ProxyExchange(HttpServerRequest request, RequestView view, String requestId,
      MultiMap upstreamHeaders) {
    this.request = Objects.requireNonNull(request, "request");
    this.view = Objects.requireNonNull(view, "view");
    this.requestId = Objects.requireNonNull(requestId, "requestId");
    this.upstreamHeaders = Objects.requireNonNull(upstreamHeaders, "upstreamHeaders");
    this.startNanos = System.nanoTime();
    this.upstreamPath = view.path();
    this.upstreamQuery = request.query();
    this.upstreamAuthority = request.authority() == null ? null : request.authority().toString();
  }

  /**
   * The client request. Do not read its body: the proxy streams it (a filter that must see the
   * body reads it and hands it over with {@link #bufferedRequestBody(Buffer, boolean)}).
   */
  public HttpServerRequest request() {
    return request;
  }

  /** The routing view of the client request (normalized path, lower-case host). */
  public RequestView view() {
    return view;
  }

  /** The request id, sent upstream and back to the client as {@code x-request-id}. */
  public String requestId() {
    return requestId;
  }

  /** {@link System#nanoTime()} when the request arrived. */
  public long startNanos() {
    return startNanos;
  }

  /** The headers that will be sent upstream; filters change them in place. */
  public MultiMap upstreamHeaders() {
    return upstreamHeaders;
  }

  /** The path that will be sent upstream. */
  public String upstreamPath() {
    return upstreamPath;
  }

  /** Replaces the path sent upstream. */
  public void upstreamPath(String path) {
    this.upstreamPath = Objects.requireNonNull(path, "path");
  }

  /** The raw query sent upstream, or null. */
  public String upstreamQuery() {
    return upstreamQuery;
  }

  /** The path and query sent upstream. */
  public String upstreamUri() {
    return upstreamQuery == null ? upstreamPath : upstreamPath + "?" + upstreamQuery;
  }

  /** The Host (authority) sent upstream, or null for none. */
  public String upstreamAuthority() {
    return upstreamAuthority;
  }

  /** Replaces the Host (authority) sent upstream. */
  public void upstreamAuthority(String authority) {
    this.upstreamAuthority = Objects.requireNonNull(authority, "authority");
  }

  /** The matched route as {@code namespace/name}, or null before routing. */
  public String routeName() {
    return routeName;
  }

  /**
   * Records the matched route.
   *
   * @param routeName {@code namespace/name}
   * @param matchedPrefix the PathPrefix value that matched, or null for other path matches
   */
  public void routed(String routeName, String matchedPrefix) {
    this.routeName = routeName;
    this.matchedPrefix = matchedPrefix;
  }

  /** The PathPrefix value that matched, or null when the match was not a prefix match. */
  public String matchedPrefix() {
    return matchedPrefix;
  }

  /** The response headers about to be sent to the client (response phase only). */
  public MultiMap responseHeaders() {
    if (responseHeaders == null) {
      throw new IllegalStateException("responseHeaders: only available in the response phase");
    }
    return responseHeaders;
  }

  /** The response status about to be sent (response phase only), else 0. */
  public int responseStatus() {
    return responseStatus;
  }

  /** Enters the response phase with this status and the headers to send. */
  public void responseHead(int status, MultiMap headers) {
    this.responseStatus = status;
    this.responseHeaders = Objects.requireNonNull(headers, "headers");
  }

  /** Answers the request locally; the chain stops and nothing is sent upstream. */
  public void reply(LocalReply reply) {
    this.reply = Objects.requireNonNull(reply, "reply");
  }

  /** Whether a filter answered locally. */
  public boolean replied() {
    return reply != null;
  }

  /** The local reply, or null. */
  public LocalReply localReply() {
    return reply;
  }

  private static final Set<HttpMethod> BODYLESS = Set.of(HttpMethod.GET, HttpMethod.HEAD,
      HttpMethod.OPTIONS, HttpMethod.DELETE, HttpMethod.TRACE);

  /**
   * Whether the client request carries a body: a non-zero {@code content-length}; over HTTP/1.1
   * a {@code transfer-encoding}; over HTTP/2, which frames the body itself (every gRPC call has
   * no content-length), any method that is not usually body-less.
   */
  public boolean requestHasBody() {
    String length = request.getHeader("content-length");
    if (length != null) {
      return !"0".equals(length);
    }
    if (request.version() == HttpVersion.HTTP_2) {
      return !BODYLESS.contains(request.method());
    }
    return request.headers().contains("transfer-encoding");
  }

  /** Adds a tap that receives a copy of the request body as it streams upstream. */
  public void addBodyTap(BodyTap tap) {
    if (bodyTaps == null) {
      bodyTaps = new ArrayList<>(2);
    }
    bodyTaps.add(Objects.requireNonNull(tap, "tap"));
  }

  /** The body taps, empty when none. */
  public List<BodyTap> bodyTaps() {
    return bodyTaps == null ? List.of() : bodyTaps;
  }

  /**
   * Records that a filter read the start of the request body (or all of it), so the proxy
   * sends these bytes upstream first and then, when {@code complete} is false, streams the
   * rest from the still-paused client request.
   *
   * @param body the bytes read so far, unchanged
   * @param complete whether the client's body ended within {@code body}
   */
  public void bufferedRequestBody(Buffer body, boolean complete) {
    this.bufferedBody = Objects.requireNonNull(body, "body");
    this.bufferedBodyComplete = complete;
  }

  /** The request body bytes a filter already read, or null when the body streams untouched. */
  public Buffer bufferedRequestBody() {
    return bufferedBody;
  }

  /** Whether {@link #bufferedRequestBody()} is the whole body. */
  public boolean bufferedRequestBodyComplete() {
    return bufferedBodyComplete;
  }

  /**
   * Who is calling: the verified JWT (set by JWT authentication) and the mesh source (set by
   * the sidecar from mTLS). {@link RequestIdentity#ANONYMOUS} until something sets it.
   */
  public RequestIdentity identity() {
    return identity;
  }

  /** Replaces who is calling; see {@link RequestIdentity#withJwt} and {@code withSource}. */
  public void identity(RequestIdentity identity) {
    this.identity = Objects.requireNonNull(identity, "identity");
  }

  /** Records a fact for this request's access-log line, e.g. {@code authz_policy}. */
  public void logDetail(String key, String value) {
    if (logDetails == null) {
      logDetails = new LinkedHashMap<>(4);
    }
    logDetails.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
  }

  /** The facts recorded for the access log, empty when none. */
  public Map<String, String> logDetails() {
    return logDetails == null ? Map.of() : logDetails;
  }

  int filtersRun() {
    return filtersRun;
  }

  void filtersRun(int count) {
    this.filtersRun = count;
  }
}
