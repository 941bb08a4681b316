package dev.crossgate.policy.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.crossgate.policy.codec.PolicyCodec;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.store.ApplyResult;
import dev.crossgate.policy.server.store.ChangeSet;
import dev.crossgate.policy.server.store.LabelSelector;
import dev.crossgate.policy.server.store.NotFoundException;
import dev.crossgate.policy.server.store.PolicyStore;
import dev.crossgate.policy.server.store.ResourceDiff;
import dev.crossgate.policy.schema.JsonSchemaGenerator;
import dev.crossgate.policy.server.store.ResourceKey;
import dev.crossgate.policy.server.store.Revision;
import dev.crossgate.policy.server.store.StoreJson;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The REST policy API, {@code /api/v1/...}, as a vertx-web {@link Router}. Handlers only parse,
 * call the {@link PolicyStore} (which never blocks the event loop) and render; every failure goes
 * through {@link ErrorResponder}.
 */
public final class PolicyApi {

  /** The default request body limit: 4 MiB. */
  public static final long DEFAULT_BODY_LIMIT = 4L * 1024 * 1024;

  static final String YAML_TYPE = "application/yaml";
  static final String JSON_TYPE = "application/json";
  private static final int DEFAULT_HISTORY_LIMIT = 50;
  private static final int MAX_HISTORY_LIMIT = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String AUTHOR = "crossgate.author";

  private final Vertx vertx;
  private final PolicyStore store;
  private final ApiTokens tokens;
  private final NodeStatusRegistry nodes;

  private PolicyApi(Vertx vertx, PolicyStore store, ApiTokens tokens, NodeStatusRegistry nodes) {
    this.vertx = vertx;
    this.store = store;
    this.tokens = tokens;
    this.nodes = nodes;
  }

  /** The API's router. */
  public static Router router(
      Vertx vertx, PolicyStore store, ApiTokens tokens, NodeStatusRegistry nodes, long bodyLimit) {
    requireNonNull(vertx, "vertx");
    if (bodyLimit < 1) {
      throw new IllegalArgumentException("bodyLimit: " + bodyLimit + " (expected: >= 1)");
    }
    PolicyApi api =
        new PolicyApi(vertx,
            requireNonNull(store, "store"), requireNonNull(tokens, "tokens"), requireNonNull(nodes, "nodes"));
    Router router = Router.router(vertx);
    // JSON Schemas are public: editors fetch them without a token.
    router.get("/api/v1/schemas").handler(PolicyApi::schemas);
    router.get("/api/v1/schemas/:kind").handler(PolicyApi::schema);
    router.route("/api/v1/*").handler(api::authenticate);
    router.post("/api/v1/apply")
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(api::apply);
    router.get("/api/v1/resources").handler(api::list);
    router.get("/api/v1/resources/:kind/:namespace/:name").handler(api::get);
    router.delete("/api/v1/resources/:kind/:namespace/:name").handler(api::delete);
    router.get("/api/v1/revisions").handler(api::history);
    router.get("/api/v1/revisions/:number").handler(api::revision);
    router.get("/api/v1/diff").handler(api::diff);
    router.post("/api/v1/rollback").handler(api::rollback);
    router.get("/api/v1/status").handler(api::status);
    router.post("/api/v1/tokens")
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(api::createToken);
    router.get("/api/v1/tokens").handler(api::listTokens);
    router.delete("/api/v1/tokens/:name").handler(api::revokeToken);
    router.route().failureHandler(ErrorResponder::handleFailure);
    router.errorHandler(404, ctx -> ErrorResponder.respond(ctx, ErrorResponder.problemOf(null, 404)));
    router.errorHandler(405, ctx -> ErrorResponder.respond(ctx, ErrorResponder.problemOf(null, 405)));
    router.errorHandler(500, ErrorResponder::handleFailure);
    return router;
  }

  private void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    tokens.authenticate(header).ifPresentOrElse(
        name -> {
          ctx.put(AUTHOR, name);
          ctx.next();
        },
        () -> ErrorResponder.respond(
            ctx,
            ApiProblem.of(401, "unauthorized", "Unauthorized",
                header == null
                    ? "missing Authorization header (expected: Bearer <token>)"
                    : "unknown or malformed bearer token")));
  }

  // ---- writes

  private void apply(RoutingContext ctx) {
    String contentType = mediaType(ctx.request().getHeader("Content-Type"));
    boolean json;
    if (isJson(contentType)) {
      json = true;
    } else if (isYaml(contentType)) {
      json = false;
    } else {
      ErrorResponder.respond(ctx, ApiProblem.of(415, "unsupported_media_type", "Unsupported media type",
          "Content-Type: " + (contentType == null ? "missing" : contentType)
              + " (expected: application/yaml or application/json)"));
      return;
    }
    OptionalLong expected = ifMatch(ctx);
    boolean dryRun = booleanParam(ctx, "dryRun");
    String message = param(ctx, "message", "");
    String body = ctx.body().buffer() == null ? "" : ctx.body().buffer().toString(StandardCharsets.UTF_8);
    store.current()
        // Reading validates the batch against the stored resources: a worker's job.
        .compose(current -> vertx.executeBlocking(
            () -> BatchReader.read(body, json, current.bundle()), false))
        .compose(batch -> {
          if (!batch.problems().isEmpty()) {
            return Future.failedFuture(new ApiProblem(
                batch.malformed() ? 400 : 422,
                batch.malformed() ? "malformed_body" : "invalid_policy",
                batch.malformed() ? "Malformed body" : "Invalid policy",
                batch.problems().size() + " problem(s); nothing was applied",
                batch.problems()).failure());
          }
          ChangeSet changes = ChangeSet.puts(batch.resources());
          return dryRun
              ? store.preview(changes, expected)
              : store.apply(changes, expected, ctx.get(AUTHOR), message);
        })
        .compose(result -> waitIfAsked(ctx, result, dryRun))
        .onComplete(guarded(ctx, done -> ok(ctx, done.body(), done.revision())));
  }

  private record Answer(ObjectNode body, long revision) {}

  /**
   * With {@code wait=true}, holds the answer until every connected data plane has applied (or
   * refused) the new revision, or {@code timeout} (default 10s) passes; adds the outcome.
   */
  private Future<Answer> waitIfAsked(RoutingContext ctx, ApplyResult result, boolean dryRun) {
    ObjectNode body = applied(result, dryRun);
    long revision = result.revision().number();
    if (dryRun || !booleanParam(ctx, "wait")) {
      return Future.succeededFuture(new Answer(body, revision));
    }
    java.time.Duration timeout = durationParam(ctx, "timeout", java.time.Duration.ofSeconds(10));
    return nodes.await(revision, timeout).map(convergence -> {
      body.set("convergence", convergence(convergence));
      return new Answer(body, revision);
    });
  }

  private static ObjectNode convergence(Convergence convergence) {
    ObjectNode node = JSON.createObjectNode();
    node.put("revision", convergence.revision());
    node.put("applied", convergence.applied());
    node.put("total", convergence.total());
    node.put("complete", convergence.complete());
    node.put("summary", convergence.summary());
    ObjectNode refused = node.putObject("refused");
    convergence.refused().forEach(refused::put);
    return node;
  }

  private static java.time.Duration durationParam(RoutingContext ctx, String name,
      java.time.Duration fallback) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,6})(ms|s)")
        .matcher(value.trim());
    if (!m.matches()) {
      throw ApiProblem.of(400, "bad_parameter", "Bad parameter", name + ": " + value
          + " (expected: a duration such as 500ms or 10s)").failure();
    }
    long amount = Long.parseLong(m.group(1));
    return m.group(2).equals("ms") ? java.time.Duration.ofMillis(amount)
        : java.time.Duration.ofSeconds(amount);
  }

  private void delete(RoutingContext ctx) {
    ResourceKey key = key(ctx);
    OptionalLong expected = ifMatch(ctx);
    String message = param(ctx, "message", "delete " + key.ref());
    store.apply(ChangeSet.deletes(key), expected, ctx.get(AUTHOR), message)
        .compose(result -> waitIfAsked(ctx, result, false))
        .onComplete(guarded(ctx, done -> ok(ctx, done.body(), done.revision())));
  }

  private void rollback(RoutingContext ctx) {
    long to = longParam(ctx, "to", null);
    OptionalLong expected = ifMatch(ctx);
    store.rollback(to, expected, ctx.get(AUTHOR))
        .compose(result -> waitIfAsked(ctx, result, false))
        .onComplete(guarded(ctx, done -> ok(ctx, done.body(), done.revision())));
  }

  private static ObjectNode applied(ApplyResult result, boolean dryRun) {
    ObjectNode body = JSON.createObjectNode();
    if (dryRun) {
      body.put("dryRun", true);
      body.put("valid", true);
      body.put("baseRevision", result.revision().number());
    } else {
      body.set("revision", StoreJson.revision(result.revision()));
    }
    body.put("changed", result.changed());
    body.set("changes", changes(result.changes(), dryRun));
    return body;
  }

  // ---- reads

  private void list(RoutingContext ctx) {
    String kind = param(ctx, "kind", null);
    String namespace = param(ctx, "namespace", null);
    LabelSelector selector = LabelSelector.parse(param(ctx, "labelSelector", null));
    store.list(kind, namespace, selector)
        .onComplete(guarded(ctx, snapshot -> {
          ctx.response().putHeader("ETag", etag(snapshot.revision()));
          if (wantsYaml(ctx)) {
            ctx.response().putHeader("Content-Type", YAML_TYPE)
                .end(BatchReader.yamlOf(snapshot.bundle()));
          } else {
            ctx.response().putHeader("Content-Type", JSON_TYPE)
                .end(PolicyCodec.toJson(snapshot.bundle()));
          }
        }));
  }

  private void get(RoutingContext ctx) {
    ResourceKey key = key(ctx);
    store.current()
        .onComplete(guarded(ctx, snapshot -> snapshot.bundle().resources().stream()
            .filter(r -> ResourceKey.of(r).equals(key))
            .findFirst()
            .ifPresentOrElse(
                found -> ok(ctx, resourcesJson(new PolicyBundle(List.of(found))).get(0), snapshot.revision()),
                () -> ctx.fail(new NotFoundException(key.ref())))));
  }

  private static void schemas(RoutingContext ctx) {
    ObjectNode body = JSON.createObjectNode();
    JsonSchemaGenerator.allSchemas().forEach(body::set);
    ok(ctx, body, -1);
  }

  private static void schema(RoutingContext ctx) {
    String kind = ctx.pathParam("kind");
    JsonSchemaGenerator.schemaFor(kind).ifPresentOrElse(
        schema -> ok(ctx, schema, -1),
        () -> ErrorResponder.respond(ctx, ApiProblem.of(404, "unknown_kind", "Unknown kind",
            "kind: " + kind + " (expected: one of "
                + JsonSchemaGenerator.allSchemas().keySet() + ")")));
  }

  private void history(RoutingContext ctx) {
    long limit = longParam(ctx, "limit", (long) DEFAULT_HISTORY_LIMIT);
    if (limit < 1 || limit > MAX_HISTORY_LIMIT) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_HISTORY_LIMIT + ")");
    }
    String before = param(ctx, "before", null);
    OptionalLong beforeRevision = before == null ? OptionalLong.empty() : OptionalLong.of(longParam(ctx, "before", null));
    store.history((int) limit, beforeRevision)
        .onComplete(guarded(ctx, revisions -> {
          ObjectNode body = JSON.createObjectNode();
          ArrayNode items = body.putArray("revisions");
          revisions.forEach(r -> items.add(StoreJson.revision(r)));
          ok(ctx, body, -1);
        }));
  }

  private void revision(RoutingContext ctx) {
    long number = parseLong("revision", ctx.pathParam("number"));
    store.revision(number)
        .compose(revision -> store.at(number).map(snapshot -> {
          ObjectNode body = JSON.createObjectNode();
          body.set("revision", StoreJson.revision(revision));
          body.set("resources", resourcesJson(snapshot.bundle()));
          return body;
        }))
        .onComplete(guarded(ctx, body -> ok(ctx, body, number)));
  }

  private void diff(RoutingContext ctx) {
    long from = longParam(ctx, "from", null);
    String to = param(ctx, "to", null);
    Future<Long> toRevision = to == null
        ? store.current().map(s -> s.revision())
        : Future.succeededFuture(parseLong("to", to));
    toRevision
        .compose(t -> store.diff(from, t).map(diffs -> {
          ObjectNode body = JSON.createObjectNode();
          body.put("from", from);
          body.put("to", t);
          body.set("changes", changes(diffs, true));
          return body;
        }))
        .onComplete(guarded(ctx, body -> ok(ctx, body, -1)));
  }

  // ---- tokens

  private void createToken(RoutingContext ctx) {
    String text = ctx.body().buffer() == null ? "" : ctx.body().buffer().toString(StandardCharsets.UTF_8);
    JsonNode body;
    try {
      body = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      body = null;
    }
    if (body == null || !body.isObject() || !body.path("name").isTextual()) {
      ErrorResponder.respond(ctx, ApiProblem.of(400, "malformed_body", "Malformed body",
          "body: " + (text.isBlank() ? "empty" : "not a JSON object with a string \"name\"")
              + " (expected: {\"name\": \"ci\"})"));
      return;
    }
    String name = body.path("name").textValue();
    if (tokens.names().contains(name)) {
      ErrorResponder.respond(ctx, ApiProblem.of(409, "token_exists", "Token exists",
          "name: " + name + " is already taken (expected: a new name; revoke the old one first)"));
      return;
    }
    tokens.create(name).onComplete(guarded(ctx, token -> {
      ObjectNode answer = JSON.createObjectNode();
      answer.put("name", name);
      answer.put("token", token);
      ctx.response().setStatusCode(201);
      ok(ctx, answer, -1);
    }));
  }

  private void listTokens(RoutingContext ctx) {
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode names = answer.putArray("tokens");
    tokens.names().forEach(names::add);
    ok(ctx, answer, -1);
  }

  private void revokeToken(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    tokens.revoke(name).onComplete(guarded(ctx, count -> {
      if (count == 0) {
        ctx.fail(new NotFoundException("shared token " + name));
        return;
      }
      ObjectNode answer = JSON.createObjectNode();
      answer.put("revoked", count);
      ok(ctx, answer, -1);
    }));
  }

  private void status(RoutingContext ctx) {
    store.current()
        .compose(snapshot -> store.revision(snapshot.revision()))
        .onComplete(guarded(ctx, revision -> {
          ObjectNode body = JSON.createObjectNode();
          body.set("revision", StoreJson.revision(revision));
          body.set("convergence", convergence(nodes.convergence(revision.number())));
          body.put("summary", nodes.convergence(revision.number()).summary());
          ArrayNode members = body.putObject("cluster").putArray("members");
          store.clusterMembers().forEach(members::add);
          ArrayNode list = body.putArray("nodes");
          nodes.nodes().forEach(n -> {
            ObjectNode node = list.addObject();
            node.put("nodeId", n.nodeId());
            node.put("role", n.role());
            node.put("appliedRevision", n.appliedRevision());
            node.put("lastNack", n.lastNack());
            node.put("connectedSince", n.connectedSince() == null ? null : n.connectedSince().toString());
            node.put("engine", n.engine());
            if (n.appHealth() != null) {
              node.put("appHealth", n.appHealth());
            }
          });
          ok(ctx, body, revision.number());
        }));
  }

  // ---- rendering

  /** Renders a result, or fails the request; a rendering bug fails it too instead of hanging. */
  private static <T> Handler<AsyncResult<T>> guarded(RoutingContext ctx, Consumer<T> render) {
    return result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      try {
        render.accept(result.result());
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    };
  }

  private static ArrayNode changes(List<ResourceDiff> diffs, boolean withContent) {
    ArrayNode array = JSON.createArrayNode();
    for (ResourceDiff diff : diffs) {
      ObjectNode item = array.addObject();
      item.put("kind", diff.key().kind());
      item.put("namespace", diff.key().namespace());
      item.put("name", diff.key().name());
      item.put("change", diff.change().name().toLowerCase(Locale.ROOT));
      if (withContent) {
        item.set("before", diff.before() == null ? JSON.nullNode() : parse(diff.before()));
        item.set("after", diff.after() == null ? JSON.nullNode() : parse(diff.after()));
      }
    }
    return array;
  }

  private static ArrayNode resourcesJson(PolicyBundle bundle) {
    return (ArrayNode) parse(PolicyCodec.toJson(bundle));
  }

  private static void ok(RoutingContext ctx, JsonNode body, long revision) {
    if (revision >= 0) {
      ctx.response().putHeader("ETag", etag(revision));
    }
    try {
      if (wantsYaml(ctx)) {
        ctx.response().putHeader("Content-Type", YAML_TYPE).end(YAML.writeValueAsString(body));
      } else {
        ctx.response().putHeader("Content-Type", JSON_TYPE).end(JSON.writeValueAsString(body));
      }
    } catch (JsonProcessingException e) {
      ctx.fail(e);
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- request parsing

  private static boolean wantsYaml(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("yaml")
        && !accept.toLowerCase(Locale.ROOT).startsWith(JSON_TYPE);
  }

  private static String mediaType(String header) {
    if (header == null) {
      return null;
    }
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  private static boolean isJson(String type) {
    return type != null && (type.equals(JSON_TYPE) || type.endsWith("+json"));
  }

  private static boolean isYaml(String type) {
    return type != null
        && (type.equals(YAML_TYPE) || type.equals("application/x-yaml")
            || type.equals("text/yaml") || type.equals("text/x-yaml"));
  }

  private static ResourceKey key(RoutingContext ctx) {
    return new ResourceKey(ctx.pathParam("kind"), ctx.pathParam("namespace"), ctx.pathParam("name"));
  }

  /** {@code If-Match: 42}, {@code "42"} or {@code W/"42"}; {@code *} or none: any revision. */
  private static OptionalLong ifMatch(RoutingContext ctx) {
    String header = ctx.request().getHeader("If-Match");
    if (header == null || header.isBlank() || header.trim().equals("*")) {
      return OptionalLong.empty();
    }
    String value = header.trim();
    if (value.startsWith("W/")) {
      value = value.substring(2);
    }
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    try {
      long revision = Long.parseLong(value);
      if (revision >= 0) {
        return OptionalLong.of(revision);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("If-Match: " + header + " (expected: a revision number, e.g. \"42\")");
  }

  private static String param(RoutingContext ctx, String name, String fallback) {
    String value = ctx.request().getParam(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  private static boolean booleanParam(RoutingContext ctx, String name) {
    String value = param(ctx, name, "false");
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException(name + ": " + value + " (expected: true or false)");
  }

  private static long longParam(RoutingContext ctx, String name, Long fallback) {
    String value = param(ctx, name, null);
    if (value == null) {
      if (fallback == null) {
        throw new IllegalArgumentException(name + ": missing (expected: a revision number)");
      }
      return fallback;
    }
    return parseLong(name, value);
  }

  private static long parseLong(String name, String value) {
    try {
      long parsed = Long.parseLong(value);
      if (parsed >= 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + ": " + value + " (expected: a number >= 0)");
  }

  private static String etag(long revision) {
    return "\"" + revision + "\"";
  }
}
