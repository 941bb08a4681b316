package dev.crossgate.routing.authn;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.ProxyExchange;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The JWT authentication filter of one target: finds a token, verifies it with the provider of
 * its issuer and records the {@link RequestIdentity}. A request without a token goes on
 * anonymous (authorization decides); a bad token is a 401 with
 * {@code WWW-Authenticate: Bearer error="invalid_token"} and the reason, which is also logged
 * as {@code authn_failure}. Headers named by {@code outputClaimToHeaders} are always removed
 * from what the client sent before verified claims are written to them.
 */
public final class JwtAuthnFilter implements HttpFilter {

  /** The access-log field naming why a token was rejected. */
  public static final String LOG_FAILURE = "authn_failure";

  /** The access-log field naming the verified request principal. */
  public static final String LOG_PRINCIPAL = "authn_principal";

  private final List<JwtProvider> providers;
  private final TokenLocator locator;
  private final List<String> outputHeaders;
  /** Remembered tokens per location, keyed by the value as sent there. */
  private final Map<TokenLocation, VerifiedTokens> verified;

  /** A filter accepting tokens of these providers. */
  public JwtAuthnFilter(List<JwtProvider> providers) {
    if (providers.isEmpty()) {
      throw new IllegalArgumentException("providers: empty (expected at least one)");
    }
    this.providers = List.copyOf(providers);
    this.locator = new TokenLocator(providers);
    Map<TokenLocation, VerifiedTokens> memories = new HashMap<>();
    for (TokenLocation location : locator.locations()) {
      memories.put(location, new VerifiedTokens());
    }
    this.verified = Map.copyOf(memories);
    this.outputHeaders = providers.stream()
        .flatMap(p -> p.outputClaimToHeaders().stream().map(JwtProvider.ClaimHeader::header))
        .distinct().toList();
  }

  /** The providers, in order. */
  public List<JwtProvider> providers() {
    return providers;
  }

  @Override
  public Future<Void> onRequest(ProxyExchange exchange) {
    for (String header : outputHeaders) {
      exchange.upstreamHeaders().remove(header);
    }
    TokenLocator.Found found;
    JwsParts parts;
    VerifiedTokens.Verified known;
    try {
      found = locator.find(exchange.request(), exchange.view());
      if (found == null) {
        return CONTINUE;
      }
      known = verified.get(found.location()).get(found.sent());
      parts = known != null ? known.parts()
          : JwsParts.parse(found.token(), found.provider().algorithms());
    } catch (AuthnFailure failure) {
      return reject(exchange, failure.reason());
    }
    KeySource keys = found.provider().keys();
    Context context = Vertx.currentContext();
    Future<JWKSet> current = onContext(keys.keys(), context);
    if (current.isComplete()) { // the usual case: the issuer's keys are cached
      return withKeys(exchange, found, parts, known, current, context);
    }
    return current.transform(ar -> withKeys(exchange, found, parts, known, ar, context));
  }

  private Future<Void> withKeys(ProxyExchange exchange, TokenLocator.Found found, JwsParts parts,
      VerifiedTokens.Verified known, AsyncResult<JWKSet> ar, Context context) {
    if (ar.failed()) {
      return reject(exchange, "the issuer's keys are unavailable ("
          + ar.cause().getMessage() + ")");
    }
    try {
      JWK key = JwtVerifier.selectKey(parts, ar.result());
      if (key != null) {
        return accept(exchange, found, parts, key, known);
      }
    } catch (AuthnFailure failure) {
      return reject(exchange, failure.reason());
    }
    KeySource keys = found.provider().keys();
    return onContext(keys.refreshForUnknownKid(), context).transform(refreshed -> {
      try {
        JWK key = refreshed.failed() ? null : JwtVerifier.selectKey(parts, refreshed.result());
        if (key == null) {
          return reject(exchange, "unknown kid " + JwsParts.printable(parts.kid()));
        }
        return accept(exchange, found, parts, key, known);
      } catch (AuthnFailure failure) {
        return reject(exchange, failure.reason());
      }
    });
  }

  /**
   * {@code future}, completing on the request's context: a key-set fetch shared by requests of
   * several event loops completes on the loop that started it, and the exchange must only be
   * touched from its own.
   */
  private static <T> Future<T> onContext(Future<T> future, Context context) {
    if (future.isComplete() || context == null) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> context.runOnContext(v -> promise.handle(ar)));
    return promise.future();
  }

  private Future<Void> accept(ProxyExchange exchange, TokenLocator.Found found, JwsParts parts,
      JWK key, VerifiedTokens.Verified known) throws AuthnFailure {
    JwtProvider provider = found.provider();
    Map<String, Object> claims;
    String principal;
    if (known != null && known.key() == key) {
      // The same token verified with this very key before: only its claims are checked again.
      claims = known.claims();
      JwtVerifier.checkClaims(claims, provider, Instant.now());
      principal = known.principal();
    } else {
      claims = JwtVerifier.verify(parts, key, provider, Instant.now());
      principal = provider.issuer() + "/" + (claims.get("sub") == null ? "" : claims.get("sub"));
      claims = verified.get(found.location())
          .verified(found.sent(), parts, key, claims, principal).claims();
    }
    exchange.identity(exchange.identity().withJwt(principal, claims));
    exchange.logDetail(LOG_PRINCIPAL, principal);
    for (JwtProvider.ClaimHeader output : provider.outputClaimToHeaders()) {
      String value = headerValue(claims.get(output.claim()));
      if (value != null) {
        exchange.upstreamHeaders().set(output.header(), value);
      }
    }
    if (!provider.forwardOriginalToken()
        && found.location().kind() == TokenLocation.Kind.HEADER) {
      exchange.upstreamHeaders().remove(found.location().name());
    }
    return CONTINUE;
  }

  /** A claim as a header value: strings as they are, lists joined by commas, else JSON text. */
  static String headerValue(Object claim) {
    if (claim == null) {
      return null;
    }
    String value = claim instanceof List<?> list
        ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
        : String.valueOf(claim);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        return null; // never let a claim smuggle a header line
      }
    }
    return value;
  }

  private static Future<Void> reject(ProxyExchange exchange, String reason) {
    exchange.logDetail(LOG_FAILURE, reason);
    String description = reason.replace('"', '\'').replace('\\', '/');
    return Future.failedFuture(new ProxyException(ErrorReason.AUTHN_FAILED, reason,
        Map.of("www-authenticate", "Bearer error=\"invalid_token\", error_description=\""
            + description + "\"")));
  }
}
