package dev.crossgate.policy.model;

import java.util.List;

/**
 * An {@code HTTPRoute}: which requests go where, with the Kubernetes Gateway API's fields.
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the hostnames and rules
 */
public record HttpRoute(
    @Doc("The API version.") String apiVersion,
    @Doc("The metadata.") ObjectMeta metadata,
    @Doc("The hostnames and rules.") Spec spec) implements Resource {

  /** The kind name as written in YAML. */
  public static final String KIND = "HTTPRoute";

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * The route specification.
   *
   * @param parentRefs the gateways (and listeners) this route attaches to; empty means every
   *     gateway
   * @param hostnames exact or {@code *.}-wildcard hostnames; empty matches every host
   * @param rules the rules, tried in precedence order
   */
  public record Spec(
      @Doc("The gateways (and listeners) this route attaches to; empty means every gateway.")
          List<ParentRef> parentRefs,
      @Doc("Exact or *.-wildcard hostnames; empty matches every host.") List<String> hostnames,
      @Doc("The rules, tried in precedence order.") List<Rule> rules) {
    public Spec {
      parentRefs = parentRefs == null ? List.of() : List.copyOf(parentRefs);
      hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
      rules = rules == null ? List.of() : List.copyOf(rules);
    }
  }

  /**
   * A reference to a parent: a gateway (and listener), or a {@code Service} whose callers'
   * sidecars apply the route to the calls they send it (the Gateway API's GAMMA mesh routes).
   *
   * @param name the gateway (or Service) name
   * @param namespace the parent's namespace; the route's own when omitted
   * @param sectionName a listener name of that gateway; none for a Service
   * @param kind {@code Gateway} (default) or {@code Service}
   */
  public record ParentRef(
      @Doc("The gateway (or Service) name.") String name,
      @Doc("The parent's namespace; the route's own when omitted.") String namespace,
      @Doc("A listener name of that gateway; none for a Service.") String sectionName,
      @Doc(value = "Gateway: the route serves that gateway. Service: callers' sidecars apply it"
              + " to calls to that Service (mesh routing).", defaultValue = "Gateway",
              allowed = {"Gateway", "Service"})
          String kind) {

    /** The kind of a mesh route's parent. */
    public static final String SERVICE = "Service";

    /** A reference to a gateway. */
    public ParentRef(String name, String namespace, String sectionName) {
      this(name, namespace, sectionName, null);
    }

    /** Whether this names a Service (a mesh route), not a gateway. */
    public boolean service() {
      return SERVICE.equals(kind);
    }
  }

  /**
   * A routing rule: matches, filters, and where matching requests go.
   *
   * @param name an optional rule name for logs and metrics
   * @param matches the matches; none means {@code PathPrefix /}
   * @param filters filters applied to matching requests
   * @param backendRefs weighted backends
   * @param timeouts the request and per-attempt timeouts; none when omitted
   * @param retry when and how often a failed request is retried; no retries when omitted
   */
  public record Rule(
      @Doc("An optional rule name for logs and metrics.") String name,
      @Doc("The matches; none means PathPrefix /.") List<Match> matches,
      @Doc("Filters applied to matching requests.") List<Filter> filters,
      @Doc("Weighted backends.") List<BackendRef> backendRefs,
      @Doc("The request and per-attempt timeouts; none when omitted.") Timeouts timeouts,
      @Doc("When and how often a failed request is retried; no retries when omitted.")
          Retry retry) {
    public Rule {
      matches = matches == null ? List.of() : List.copyOf(matches);
      filters = filters == null ? List.of() : List.copyOf(filters);
      backendRefs = backendRefs == null ? List.of() : List.copyOf(backendRefs);
    }

    /** A rule without timeouts and retries. */
    public Rule(
        String name, List<Match> matches, List<Filter> filters, List<BackendRef> backendRefs) {
      this(name, matches, filters, backendRefs, null, null);
    }
  }

  /**
   * Gateway API rule timeouts.
   *
   * @param request the whole request, retries included, until the response starts
   * @param backendRequest one attempt to the backend; at most {@code request}
   */
  public record Timeouts(
      @Doc("The whole request, retries included, until the response starts.")
          GatewayDuration request,
      @Doc("One attempt to the backend; at most request.") GatewayDuration backendRequest) {}

  /**
   * Gateway API retry: which responses are retried, how often, and the wait between attempts.
   *
   * @param codes HTTP status codes retried, 400..599
   * @param attempts the most retries after the first attempt, 0..10
   * @param backoff the first wait between attempts, growing exponentially with jitter
   */
  public record Retry(
      @Doc(value = "Status codes retried, 400..599.", defaultValue = "502, 503, 504")
          List<Integer> codes,
      @Doc(value = "Retries after the first attempt, 0..10.", defaultValue = "2") Integer attempts,
      @Doc(value = "The first wait between attempts; grows exponentially with jitter.",
              defaultValue = "25ms")
          GatewayDuration backoff) {
    public Retry {
      codes = codes == null ? List.of() : List.copyOf(codes);
    }
  }

  /**
   * One match: every condition present must hold.
   *
   * @param path the path match; {@code PathPrefix /} when omitted
   * @param headers header matches
   * @param queryParams query parameter matches
   * @param method an HTTP method
   */
  public record Match(
      @Doc("The path match; PathPrefix / when omitted.") PathMatch path,
      @Doc("Header matches.") List<ValueMatch> headers,
      @Doc("Query parameter matches.") List<ValueMatch> queryParams,
      @Doc(value = "An HTTP method.",
              allowed = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE",
                  "PATCH"})
          String method) {
    public Match {
      headers = headers == null ? List.of() : List.copyOf(headers);
      queryParams = queryParams == null ? List.of() : List.copyOf(queryParams);
    }
  }

  /**
   * A path match.
   *
   * @param type {@code Exact}, {@code PathPrefix} (default) or {@code RegularExpression}
   * @param value the path or pattern
   */
  public record PathMatch(
      @Doc(value = "Exact, PathPrefix (default) or RegularExpression.",
              allowed = {"Exact", "PathPrefix", "RegularExpression"})
          String type,
      @Doc("The path or pattern.") String value) {}

  /**
   * A header or query parameter match.
   *
   * @param type {@code Exact} (default) or {@code RegularExpression}
   * @param name the header (case-insensitive) or parameter (case-sensitive) name
   * @param value the value or pattern
   */
  public record ValueMatch(
      @Doc(value = "Exact (default) or RegularExpression.",
              allowed = {"Exact", "RegularExpression"})
          String type,
      @Doc("The header (case-insensitive) or parameter (case-sensitive) name.") String name,
      @Doc("The value or pattern.") String value) {}

  /**
   * A reference to a backend {@code Service}.
   *
   * @param name the service name
   * @param namespace the service namespace; the route's own when omitted
   * @param port accepted for Gateway API compatibility; endpoints carry their own ports
   * @param weight the relative weight, 0..1000000, default 1
   */
  public record BackendRef(
      @Doc("The service name.") String name,
      @Doc("The service namespace; the route's own when omitted.") String namespace,
      @Doc("Accepted for Gateway API compatibility; endpoints carry their own ports.") Integer port,
      @Doc("The relative weight, 0..1000000, default 1.") Integer weight) {}

  /**
   * A route filter; exactly the field named by {@code type} is set.
   *
   * @param type {@code RequestHeaderModifier}, {@code ResponseHeaderModifier}, {@code URLRewrite},
   *     {@code RequestRedirect}, {@code RequestMirror}, {@code CORS} or {@code SecurityHeaders}
   * @param requestHeaderModifier changes to request headers
   * @param responseHeaderModifier changes to response headers
   * @param urlRewrite a host and path rewrite
   * @param requestRedirect a redirect answered by the gateway
   * @param requestMirror a fire-and-forget copy to another backend
   * @param cors the cross-origin resource sharing policy
   * @param securityHeaders security response headers added when the backend did not set them
   */
  public record Filter(
      @Doc(value = "Which filter this is; exactly the field it names is set.",
              allowed = {"RequestHeaderModifier", "ResponseHeaderModifier", "URLRewrite",
                  "RequestRedirect", "RequestMirror", "CORS", "SecurityHeaders"})
          String type,
      @Doc("Changes to request headers.") HeaderModifier requestHeaderModifier,
      @Doc("Changes to response headers.") HeaderModifier responseHeaderModifier,
      @Doc("A host and path rewrite.") UrlRewrite urlRewrite,
      @Doc("A redirect answered by the gateway.") RequestRedirect requestRedirect,
      @Doc("A fire-and-forget copy to another backend.") RequestMirror requestMirror,
      @Doc("The cross-origin resource sharing policy (Gateway API HTTPCORSFilter).") Cors cors,
      @Doc("Security response headers added when the backend did not set them (Crossgate).")
          SecurityHeaders securityHeaders) {}

  /**
   * Security response headers (a Crossgate filter): {@code X-Content-Type-Options: nosniff},
   * {@code X-Frame-Options} and {@code Referrer-Policy}, each added only when the backend's
   * response lacks it.
   *
   * @param frameOptions {@code DENY} (default) or {@code SAMEORIGIN}
   * @param referrerPolicy a Referrer-Policy token, default {@code no-referrer}
   */
  public record SecurityHeaders(
      @Doc(value = "X-Frame-Options value (default DENY).", allowed = {"DENY", "SAMEORIGIN"})
          String frameOptions,
      @Doc("Referrer-Policy value (default no-referrer).") String referrerPolicy) {}

  /**
   * A CORS policy (Gateway API {@code HTTPCORSFilter}): preflights are answered by the gateway,
   * other requests get the {@code Access-Control-*} response headers.
   *
   * @param allowOrigins origins allowed, {@code scheme://host[:port]}; the host may start with
   *     {@code *.}; {@code *} alone allows any origin
   * @param allowMethods methods allowed in cross-origin requests; {@code *} for any
   * @param allowHeaders request headers allowed; {@code *} for any
   * @param exposeHeaders response headers the browser may show to scripts; {@code *} for any
   * @param maxAge seconds a browser may cache a preflight answer, at least 1 (default 5)
   * @param allowCredentials whether requests with cookies or HTTP authentication are allowed
   */
  public record Cors(
      @Doc("Origins allowed, scheme://host[:port]; the host may start with `*.`; `*` alone allows any.")
          List<String> allowOrigins,
      @Doc("Methods allowed in cross-origin requests; `*` for any.") List<String> allowMethods,
      @Doc("Request headers allowed; `*` for any.") List<String> allowHeaders,
      @Doc("Response headers scripts may read; `*` for any.") List<String> exposeHeaders,
      @Doc("Seconds a browser may cache a preflight answer, at least 1 (default 5).")
          Integer maxAge,
      @Doc("Whether requests with cookies or HTTP authentication are allowed (default false).")
          Boolean allowCredentials) {
    public Cors {
      allowOrigins = allowOrigins == null ? List.of() : java.util.Collections.unmodifiableList(
          new java.util.ArrayList<>(allowOrigins));
      allowMethods = allowMethods == null ? List.of() : java.util.Collections.unmodifiableList(
          new java.util.ArrayList<>(allowMethods));
      allowHeaders = allowHeaders == null ? List.of() : java.util.Collections.unmodifiableList(
          new java.util.ArrayList<>(allowHeaders));
      exposeHeaders = exposeHeaders == null ? List.of() : java.util.Collections.unmodifiableList(
          new java.util.ArrayList<>(exposeHeaders));
    }
  }

  /**
   * Header changes: set replaces, add appends, remove deletes.
   *
   * @param set headers to set, replacing existing values
   * @param add headers to add, keeping existing values
   * @param remove header names to remove
   */
  public record HeaderModifier(
      @Doc("Headers to set, replacing existing values.") List<Header> set,
      @Doc("Headers to add, keeping existing values.") List<Header> add,
      @Doc("Header names to remove.") List<String> remove) {
    public HeaderModifier {
      set = set == null ? List.of() : List.copyOf(set);
      add = add == null ? List.of() : List.copyOf(add);
      remove = remove == null ? List.of() : List.copyOf(remove);
    }
  }

  /**
   * A header name and value.
   *
   * @param name the header name
   * @param value the header value
   */
  public record Header(
      @Doc("The header name.") String name,
      @Doc("The header value.") String value) {}

  /**
   * A path change.
   *
   * @param type {@code ReplaceFullPath} or {@code ReplacePrefixMatch}
   * @param replaceFullPath the new path for {@code ReplaceFullPath}
   * @param replacePrefixMatch the replacement of the matched prefix for {@code ReplacePrefixMatch}
   */
  public record PathModifier(
      @Doc(value = "ReplaceFullPath or ReplacePrefixMatch.",
              allowed = {"ReplaceFullPath", "ReplacePrefixMatch"})
          String type,
      @Doc("The new path for ReplaceFullPath.") String replaceFullPath,
      @Doc("The replacement of the matched prefix for ReplacePrefixMatch.")
          String replacePrefixMatch) {}

  /**
   * A URL rewrite before the request is sent upstream.
   *
   * @param hostname the new Host header
   * @param path the path change
   */
  public record UrlRewrite(
      @Doc("The new Host header.") String hostname,
      @Doc("The path change.") PathModifier path) {}

  /**
   * A redirect answered by the gateway itself.
   *
   * @param scheme {@code http} or {@code https}
   * @param hostname the new host
   * @param path the path change
   * @param port the new port
   * @param statusCode 301 (default) or 302
   */
  public record RequestRedirect(
      @Doc(value = "The new scheme.", allowed = {"http", "https"}) String scheme,
      @Doc("The new host.") String hostname,
      @Doc("The path change.") PathModifier path,
      @Doc("The new port.") Integer port,
      @Doc("301 (default) or 302.") Integer statusCode) {}

  /**
   * A mirror: a copy of the request sent to another backend; its response is discarded.
   *
   * @param backendRef the mirror backend
   * @param percent the share of requests mirrored, 0..100 (default 100)
   */
  public record RequestMirror(
      @Doc("The mirror backend.") BackendRef backendRef,
      @Doc("The share of requests mirrored, 0..100 (default 100).") Integer percent) {}
}
