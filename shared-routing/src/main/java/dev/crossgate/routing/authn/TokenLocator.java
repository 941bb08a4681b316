package dev.crossgate.routing.authn;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.crossgate.routing.route.RequestView;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the token of a request among the locations of a set of providers and picks the provider
 * that verifies it. A header sent twice is refused, not guessed at.
 */
final class TokenLocator {

  /**
   * A token, where it was found and the provider chosen for it. The token text is cut out of
   * the value as sent only when asked for: a remembered token is looked up by the value as sent
   * ({@link #sent()}), which for a given location always holds the same token.
   */
  static final class Found {
    private final String sent;
    private final int start;
    private final int end;
    private final TokenLocation location;
    private JwtProvider provider;
    private String token;

    Found(String sent, int start, int end, TokenLocation location) {
      this.sent = sent;
      this.start = start;
      this.end = end;
      this.location = location;
    }

    /** The token text. */
    String token() {
      if (token == null) {
        token = start == 0 && end == sent.length() ? sent : sent.substring(start, end);
      }
      return token;
    }

    /** The header, parameter or cookie value as sent, prefix included. */
    String sent() {
      return sent;
    }

    /** Where it was found. */
    TokenLocation location() {
      return location;
    }

    /** The provider that verifies it. */
    JwtProvider provider() {
      return provider;
    }
  }

  private final List<TokenLocation> locations;
  /** The providers reading each location, in provider order; computed once, not per request. */
  private final Map<TokenLocation, List<JwtProvider>> candidates;

  TokenLocator(List<JwtProvider> providers) {
    List<TokenLocation> all = new ArrayList<>();
    Map<TokenLocation, List<JwtProvider>> byLocation = new HashMap<>();
    for (JwtProvider provider : providers) {
      for (TokenLocation location : provider.locations()) {
        if (!all.contains(location)) {
          all.add(location);
        }
        List<JwtProvider> readers = byLocation.computeIfAbsent(location, l -> new ArrayList<>());
        if (!readers.contains(provider)) {
          readers.add(provider);
        }
      }
    }
    this.locations = List.copyOf(all);
    Map<TokenLocation, List<JwtProvider>> frozen = new HashMap<>();
    byLocation.forEach((location, readers) -> frozen.put(location, List.copyOf(readers)));
    this.candidates = Map.copyOf(frozen);
  }

  /** The locations read, in order. */
  List<TokenLocation> locations() {
    return locations;
  }

  /** The first token found, or null for an anonymous request. */
  Found find(HttpServerRequest request, RequestView values) throws AuthnFailure {
    for (TokenLocation location : locations) {
      Found found = read(request, values, location);
      if (found != null) {
        List<JwtProvider> readers = candidates.get(location);
        found.provider = readers.size() > 1 ? choose(found.token(), readers) : readers.get(0);
        return found;
      }
    }
    return null;
  }

  private static Found read(HttpServerRequest request, RequestView values,
      TokenLocation location) throws AuthnFailure {
    String value = switch (location.kind()) {
      case HEADER -> {
        List<String> all = request.headers().getAll(location.name());
        if (all.isEmpty()) {
          yield null;
        }
        if (all.size() > 1) {
          throw new AuthnFailure("duplicate " + location.name() + " headers ("
              + all.size() + ")");
        }
        yield all.get(0);
      }
      case QUERY -> values.queryParam(location.name());
      case COOKIE -> values.cookie(location.name());
    };
    if (value == null) {
      return null;
    }
    if (location.kind() != TokenLocation.Kind.HEADER) {
      return new Found(value, 0, value.length(), location);
    }
    String prefix = location.prefix();
    if (!value.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return null; // another scheme (e.g. Basic): not a token for us
    }
    // value.substring(prefix.length()).strip(), without the copy until the text is needed
    int start = prefix.length();
    int end = value.length();
    while (start < end && Character.isWhitespace(value.charAt(start))) {
      start++;
    }
    while (end > start && Character.isWhitespace(value.charAt(end - 1))) {
      end--;
    }
    return start == end ? null : new Found(value, start, end, location);
  }

  private static JwtProvider choose(String token, List<JwtProvider> readers) {
    String issuer = unverifiedIssuer(token);
    for (JwtProvider provider : readers) {
      if (provider.issuer().equals(issuer)) {
        return provider;
      }
    }
    return readers.get(0); // verification names the wrong iss if it is one
  }

  /** The {@code iss} of a token, read without verifying anything, or null. */
  static String unverifiedIssuer(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0) {
      return null;
    }
    try {
      byte[] payload = Base64.getUrlDecoder().decode(token.substring(first + 1, second));
      Map<String, Object> claims = JSONObjectUtils.parse(new String(payload,
          StandardCharsets.UTF_8));
      return claims.get("iss") instanceof String iss ? iss : null;
    } catch (IllegalArgumentException | java.text.ParseException e) {
      return null;
    }
  }
}
