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
   * A token and the provider chosen for it.
   *
   * @param token the token text
   * @param location where it was found
   * @param provider the provider that verifies it
   */
  record Found(String token, TokenLocation location, JwtProvider provider) {}

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

  /** The first token found, or null for an anonymous request. */
  Found find(HttpServerRequest request, RequestView values) throws AuthnFailure {
    for (TokenLocation location : locations) {
      String token = read(request, values, location);
      if (token != null) {
        return new Found(token, location, choose(token, location));
      }
    }
    return null;
  }

  private static String read(HttpServerRequest request, RequestView values,
      TokenLocation location) throws AuthnFailure {
    return switch (location.kind()) {
      case HEADER -> {
        List<String> all = request.headers().getAll(location.name());
        if (all.isEmpty()) {
          yield null;
        }
        if (all.size() > 1) {
          throw new AuthnFailure("duplicate " + location.name() + " headers ("
              + all.size() + ")");
        }
        String value = all.get(0);
        String prefix = location.prefix();
        if (!value.regionMatches(true, 0, prefix, 0, prefix.length())) {
          yield null; // another scheme (e.g. Basic): not a token for us
        }
        String token = value.substring(prefix.length()).strip();
        yield token.isEmpty() ? null : token;
      }
      case QUERY -> values.queryParam(location.name());
      case COOKIE -> values.cookie(location.name());
    };
  }

  private JwtProvider choose(String token, TokenLocation location) {
    List<JwtProvider> readers = candidates.get(location);
    if (readers.size() > 1) {
      String issuer = unverifiedIssuer(token);
      for (JwtProvider provider : readers) {
        if (provider.issuer().equals(issuer)) {
          return provider;
        }
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
