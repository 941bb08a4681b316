package dev.crossgate.policy.server.api;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.server.ca.JoinTokens;
import dev.crossgate.policy.server.ca.WorkloadIdentity;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;

/**
 * {@code POST /api/v1/join-tokens}: creates a mesh join token bound to a namespace and service
 * account. Body {@code {"namespace":"shop","serviceAccount":"reviews","ttlSeconds":86400}}
 * ({@code ttlSeconds} optional); answers 201 with the token, shown this once.
 */
public final class JoinTokenRoutes {

  private JoinTokenRoutes() {}

  /** Adds the route to the API's router (behind its bearer-token check). */
  public static void mount(Router router, JoinTokens tokens) {
    requireNonNull(tokens, "tokens");
    router.post("/api/v1/join-tokens")
        .handler(BodyHandler.create(false).setBodyLimit(64 * 1024))
        .handler(ctx -> create(ctx, tokens));
  }

  private static void create(RoutingContext ctx, JoinTokens tokens) {
    JsonObject body;
    try {
      body = ctx.body().buffer() == null ? null : ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      ErrorResponder.respond(ctx, ApiProblem.badRequest(
          "body: not a JSON object (expected: {\"namespace\":…,\"serviceAccount\":…,\"ttlSeconds\":…})"));
      return;
    }
    WorkloadIdentity identity;
    Duration ttl;
    try {
      identity = new WorkloadIdentity(text(body, "namespace"), text(body, "serviceAccount"));
      Object seconds = body.getValue("ttlSeconds");
      if (seconds == null) {
        ttl = JoinTokens.DEFAULT_TTL;
      } else if (seconds instanceof Number n && n.longValue() == n.doubleValue()) {
        ttl = Duration.ofSeconds(n.longValue());
      } else {
        throw new IllegalArgumentException("ttlSeconds: " + seconds + " (expected: a whole number of seconds)");
      }
    } catch (IllegalArgumentException | NullPointerException e) {
      ErrorResponder.respond(ctx, ApiProblem.badRequest(e.getMessage()));
      return;
    }
    tokens.create(identity, ttl).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      JoinTokens.Created created = result.result();
      ctx.response().setStatusCode(201)
          .putHeader("Content-Type", PolicyApi.JSON_TYPE)
          .putHeader("Cache-Control", "no-store")
          .end(new JsonObject()
              .put("token", created.token())
              .put("namespace", identity.namespace())
              .put("serviceAccount", identity.serviceAccount())
              .put("expiresAt", created.expiresAt().toString())
              .encode());
    });
  }

  private static String text(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (!(value instanceof String s) || s.isEmpty()) {
      throw new IllegalArgumentException(field + ": " + (value == null ? "missing" : value)
          + " (expected: a lower-case name)");
    }
    return s;
  }
}
