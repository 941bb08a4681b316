package dev.crossgate.policy.server.api;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.server.migration.MigrationEvidence;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/migrations[?namespace=]} and
 * {@code GET /api/v1/migrations/{namespace}/{service}}: each migrated service's stage and weight,
 * its traffic evidence before and after the last change, and whether advancing looks safe (see
 * {@link MigrationEvidence}). Behind the API's bearer-token check.
 */
public final class MigrationRoutes {

  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final Set<String> LIST_PARAMS = Set.of("namespace");

  private MigrationRoutes() {}

  /** Adds the routes to the API's router (after its authentication handler). */
  public static void mount(Router router, MigrationEvidence evidence) {
    requireNonNull(evidence, "evidence");
    router.get("/api/v1/migrations").handler(ctx -> list(ctx, evidence));
    router.get("/api/v1/migrations/:namespace/:name").handler(ctx -> one(ctx, evidence));
  }

  private static void list(RoutingContext ctx, MigrationEvidence evidence) {
    for (String param : ctx.queryParams().names()) {
      if (!LIST_PARAMS.contains(param)) {
        ErrorResponder.respond(ctx, ApiProblem.badRequest("query parameter " + param
            + ": unknown (expected: namespace)"));
        return;
      }
    }
    String namespace = ctx.queryParams().get("namespace");
    if (namespace != null && !NAMESPACE.matcher(namespace).matches()) {
      ErrorResponder.respond(ctx, ApiProblem.badRequest(invalid("namespace", namespace, 63)));
      return;
    }
    answer(ctx, evidence.list(namespace));
  }

  private static void one(RoutingContext ctx, MigrationEvidence evidence) {
    String namespace = ctx.pathParam("namespace");
    String name = ctx.pathParam("name");
    if (!NAMESPACE.matcher(namespace).matches()) {
      ErrorResponder.respond(ctx, ApiProblem.badRequest(invalid("namespace", namespace, 63)));
      return;
    }
    if (!NAME.matcher(name).matches()) {
      ErrorResponder.respond(ctx, ApiProblem.badRequest(invalid("service", name, 253)));
      return;
    }
    answer(ctx, evidence.status(namespace, name));
  }

  private static String invalid(String what, String value, int max) {
    return what + ": " + (value.length() > 80 ? value.substring(0, 80) + "…" : value)
        + " (expected: a lower-case name of at most " + max
        + " letters, digits and '-'" + (what.equals("namespace") ? "" : " or '.'")
        + ", starting and ending with a letter or digit)";
  }

  private static void answer(RoutingContext ctx, Future<JsonObject> body) {
    body.onComplete(result -> {
      if (result.failed()) {
        ErrorResponder.respond(ctx, ErrorResponder.problemOf(result.cause(), 500));
        return;
      }
      ctx.response().putHeader("Content-Type", PolicyApi.JSON_TYPE)
          .end(result.result().encodePrettily());
    });
  }
}
