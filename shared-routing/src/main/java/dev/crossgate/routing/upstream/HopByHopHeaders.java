package dev.crossgate.routing.upstream;

import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.Set;

/**
 * Removes the headers that belong to one connection and must not be forwarded (RFC 9110
 * section 7.6.1), including every header named in {@code Connection}.
 */
public final class HopByHopHeaders {

  private static final Set<String> ALWAYS = Set.of("connection", "keep-alive",
      "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
      "transfer-encoding", "upgrade");

  private HopByHopHeaders() {}

  /** Copies {@code source} into a new map without hop-by-hop headers. */
  public static MultiMap copyWithout(MultiMap source) {
    MultiMap result = MultiMap.caseInsensitiveMultiMap();
    Set<String> named = connectionTokens(source);
    source.forEach((name, value) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!ALWAYS.contains(lower) && (named.isEmpty() || !named.contains(lower))) {
        result.add(name, value);
      }
    });
    return result;
  }

  /**
   * True when the client said it accepts trailers ({@code TE: trailers}). {@code TE} is itself
   * hop-by-hop, so the proxy re-sends just that token upstream: gRPC servers require it, and it
   * is the only {@code TE} value HTTP/2 allows.
   */
  public static boolean acceptsTrailers(MultiMap headers) {
    for (String value : headers.getAll("te")) {
      for (String token : value.split(",")) {
        String t = token.trim();
        int semicolon = t.indexOf(';');
        if ((semicolon < 0 ? t : t.substring(0, semicolon).trim()).equalsIgnoreCase("trailers")) {
          return true;
        }
      }
    }
    return false;
  }

  private static Set<String> connectionTokens(MultiMap headers) {
    var values = headers.getAll("connection");
    if (values.isEmpty()) {
      return Set.of();
    }
    var tokens = new java.util.HashSet<String>();
    for (String value : values) {
      for (String token : value.split(",")) {
        String t = token.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) {
          tokens.add(t);
        }
      }
    }
    return tokens;
  }
}
