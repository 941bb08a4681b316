package dev.crossgate.policy.server.api;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.server.ca.CaRoots;
import dev.crossgate.policy.server.ca.MeshAuthority;
import dev.crossgate.policy.server.ca.RootCa;
import dev.crossgate.policy.server.ca.RootState;
import dev.crossgate.policy.server.ca.TrustedRoot;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;

/**
 * The mesh CA's roots over the API: {@code GET /api/v1/ca} shows the roots (fingerprints and
 * states, never keys), the rotation phase and the nodes it waits for; {@code POST
 * /api/v1/ca/rotate} starts a rotation to a new generated root, or to the operator's root given
 * as {@code {"certificatePem":…,"keyPem":…}}.
 */
public final class CaRoutes {

  private CaRoutes() {}

  /** Adds the routes to the API's router (behind its bearer-token check). */
  public static void mount(Router router, MeshAuthority authority) {
    requireNonNull(authority, "authority");
    router.get("/api/v1/ca").handler(ctx -> answer(ctx, 200, authority));
    router.post("/api/v1/ca/rotate")
        .handler(BodyHandler.create(false).setBodyLimit(256 * 1024))
        .handler(ctx -> rotate(ctx, authority));
  }

  private static void rotate(RoutingContext ctx, MeshAuthority authority) {
    JsonObject body;
    try {
      body = ctx.body().buffer() == null || ctx.body().length() == 0 ? new JsonObject()
          : ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      ErrorResponder.respond(ctx, ApiProblem.badRequest("body: not a JSON object (expected: empty, "
          + "or {\"certificatePem\":…,\"keyPem\":…} for an operator's root)"));
      return;
    }
    Object certificate = body.getValue("certificatePem");
    Object key = body.getValue("keyPem");
    if ((certificate == null) != (key == null)) {
      ErrorResponder.respond(ctx, ApiProblem.badRequest((certificate == null ? "certificatePem"
          : "keyPem") + ": missing (expected: both certificatePem and keyPem, or neither)"));
      return;
    }
    if (certificate != null && !(certificate instanceof String && key instanceof String)) {
      ErrorResponder.respond(ctx, ApiProblem.badRequest(
          "certificatePem/keyPem: not strings (expected: PEM text)"));
      return;
    }
    Future<Optional<RootCa>> operator = certificate == null
        ? Future.succeededFuture(Optional.empty())
        : ctx.vertx().executeBlocking(() -> Optional.of(
            RootCa.fromPem((String) certificate, (String) key)), false);
    operator.compose(authority::rotate).onComplete(result -> {
      if (result.succeeded()) {
        answer(ctx, 202, authority);
      } else if (result.cause() instanceof IllegalStateException busy) {
        ErrorResponder.respond(ctx, ApiProblem.of(409, "rotation_in_progress",
            "Rotation in progress", busy.getMessage()));
      } else if (result.cause() instanceof IllegalArgumentException bad) {
        ErrorResponder.respond(ctx, ApiProblem.badRequest(bad.getMessage()));
      } else {
        ctx.fail(result.cause());
      }
    });
  }

  private static void answer(RoutingContext ctx, int status, MeshAuthority authority) {
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", PolicyApi.JSON_TYPE)
        .putHeader("Cache-Control", "no-store")
        .end(status(authority).encode());
  }

  /** What {@code GET /api/v1/ca} answers. Certificates and fingerprints only: never a key. */
  static JsonObject status(MeshAuthority authority) {
    CaRoots roots = authority.roots();
    JsonArray list = new JsonArray();
    for (TrustedRoot root : roots.roots()) {
      list.add(new JsonObject()
          .put("sha256", root.sha256())
          .put("state", root.state().label())
          .put("since", root.since().toString())
          .put("subject", root.root().certificate().getSubjectX500Principal().getName())
          .put("notAfter", root.root().certificate().getNotAfter().toInstant().toString()));
    }
    JsonObject answer = new JsonObject()
        .put("trustDomain", authority.trustDomain())
        .put("certificateTtlSeconds", authority.certificateTtl().toSeconds())
        .put("phase", roots.phase())
        .put("version", roots.version())
        .put("signingRootSha256", roots.signing().sha256())
        .put("roots", list)
        .put("waitingFor", new JsonArray(authority.waitingFor()));
    roots.find(RootState.OUTGOING).ifPresent(outgoing -> answer.put("retireBy",
        outgoing.since().plus(authority.certificateTtl()).plusSeconds(60).toString()));
    return answer;
  }
}
