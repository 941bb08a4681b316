package dev.crossgate.policy.model;

import java.util.List;

/**
 * An {@code HTTPRoute}: which requests go where, with the Kubernetes Gateway API's fields.
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the hostnames and rules
 */
public record HttpRoute(String apiVersion, ObjectMeta metadata, Spec spec) implements Resource {

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
  public record Spec(List<ParentRef> parentRefs, List<String> hostnames, List<Rule> rules) {
    public Spec {
      parentRefs = parentRefs == null ? List.of() : List.copyOf(parentRefs);
      hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
      rules = rules == null ? List.of() : List.copyOf(rules);
    }
  }

  /**
   * A reference to a parent gateway.
   *
   * @param name the gateway name
   * @param namespace the gateway namespace; the route's own when omitted
   * @param sectionName a listener name of that gateway
   */
  public record ParentRef(String name, String namespace, String sectionName) {}

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
      String name,
      List<Match> matches,
      List<Filter> filters,
      List<BackendRef> backendRefs,
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
      PathMatch path, List<ValueMatch> headers, List<ValueMatch> queryParams, String method) {
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
  public record PathMatch(String type, String value) {}

  /**
   * A header or query parameter match.
   *
   * @param type {@code Exact} (default) or {@code RegularExpression}
   * @param name the header (case-insensitive) or parameter (case-sensitive) name
   * @param value the value or pattern
   */
  public record ValueMatch(String type, String name, String value) {}

  /**
   * A reference to a backend {@code Service}.
   *
   * @param name the service name
   * @param namespace the service namespace; the route's own when omitted
   * @param port accepted for Gateway API compatibility; endpoints carry their own ports
   * @param weight the relative weight, 0..1000000, default 1
   */
  public record BackendRef(String name, String namespace, Integer port, Integer weight) {}

  /**
   * A route filter; exactly the field named by {@code type} is set.
   *
   * @param type {@code RequestHeaderModifier}, {@code ResponseHeaderModifier}, {@code URLRewrite},
   *     {@code RequestRedirect} or {@code RequestMirror}
   * @param requestHeaderModifier changes to request headers
   * @param responseHeaderModifier changes to response headers
   * @param urlRewrite a host and path rewrite
   * @param requestRedirect a redirect answered by the gateway
   * @param requestMirror a fire-and-forget copy to another backend
   */
  public record Filter(
      String type,
      HeaderModifier requestHeaderModifier,
      HeaderModifier responseHeaderModifier,
      UrlRewrite urlRewrite,
      RequestRedirect requestRedirect,
      RequestMirror requestMirror) {}

  /**
   * Header changes: set replaces, add appends, remove deletes.
   *
   * @param set headers to set, replacing existing values
   * @param add headers to add, keeping existing values
   * @param remove header names to remove
   */
  public record HeaderModifier(List<Header> set, List<Header> add, List<String> remove) {
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
  public record Header(String name, String value) {}

  /**
   * A path change.
   *
   * @param type {@code ReplaceFullPath} or {@code ReplacePrefixMatch}
   * @param replaceFullPath the new path for {@code ReplaceFullPath}
   * @param replacePrefixMatch the replacement of the matched prefix for {@code ReplacePrefixMatch}
   */
  public record PathModifier(String type, String replaceFullPath, String replacePrefixMatch) {}

  /**
   * A URL rewrite before the request is sent upstream.
   *
   * @param hostname the new Host header
   * @param path the path change
   */
  public record UrlRewrite(String hostname, PathModifier path) {}

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
      String scheme, String hostname, PathModifier path, Integer port, Integer statusCode) {}

  /**
   * A mirror: a copy of the request sent to another backend; its response is discarded.
   *
   * @param backendRef the mirror backend
   * @param percent the share of requests mirrored, 0..100 (default 100)
   */
  public record RequestMirror(BackendRef backendRef, Integer percent) {}
}
