package dev.crossgate.policy.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossgate.policy.codec.ConfigProblem;
import dev.crossgate.policy.server.store.InvalidPolicyException;
import dev.crossgate.policy.server.store.NotFoundException;
import dev.crossgate.policy.server.store.RevisionConflictException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns failures into responses: every error the API returns is
 * {@code application/problem+json} (RFC 9457) with an {@code x-crossgate-error} reason header.
 */
final class ErrorResponder {

  static final String PROBLEM_JSON = "application/problem+json";
  static final String REASON_HEADER = "x-crossgate-error";
  static final String TYPE_BASE = "https://crossgate.dev/problems/";

  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private ErrorResponder() {}

  /** A failure handler for every route. */
  static void handleFailure(RoutingContext ctx) {
    respond(ctx, problemOf(ctx.failure(), ctx.statusCode()));
  }

  /** Maps a failure, or a bare status when there is none, to the problem to answer with. */
  static ApiProblem problemOf(Throwable failure, int status) {
    if (failure instanceof ApiProblem.Failure api) {
      return api.problem();
    }
    if (failure instanceof InvalidPolicyException invalid) {
      return new ApiProblem(
          422,
          "invalid_policy",
          "Invalid policy",
          invalid.problems().size() + " problem(s); nothing was applied",
          invalid.problems());
    }
    if (failure instanceof RevisionConflictException conflict) {
      return ApiProblem.of(409, "revision_conflict", "Revision conflict", conflict.getMessage());
    }
    if (failure instanceof NotFoundException notFound) {
      return ApiProblem.of(404, "not_found", "Not found", notFound.getMessage());
    }
    if (failure instanceof IllegalArgumentException bad) {
      return ApiProblem.badRequest(bad.getMessage());
    }
    if (failure != null) {
      LOG.error("request failed", failure);
      return ApiProblem.of(500, "internal_error", "Internal error", "the policy engine failed; see its log");
    }
    return switch (status) {
      case 401 -> ApiProblem.of(401, "unauthorized", "Unauthorized", "a valid bearer token is required");
      case 404 -> ApiProblem.of(404, "not_found", "Not found", "no such endpoint");
      case 405 -> ApiProblem.of(405, "method_not_allowed", "Method not allowed", "this endpoint does not take that method");
      case 413 -> ApiProblem.of(413, "payload_too_large", "Payload too large", "the request body is over the size limit");
      case 415 -> ApiProblem.of(415, "unsupported_media_type", "Unsupported media type", "expected: application/yaml or application/json");
      default -> status >= 400 && status < 500
          ? ApiProblem.of(status, "bad_request", "Bad request", "the request was refused")
          : ApiProblem.of(500, "internal_error", "Internal error", "the policy engine failed; see its log");
    };
  }

  static void respond(RoutingContext ctx, ApiProblem problem) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      ctx.request().connection().close();
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("type", TYPE_BASE + problem.reason().replace('_', '-'));
    body.put("title", problem.title());
    body.put("status", problem.status());
    body.put("detail", problem.detail());
    if (!problem.problems().isEmpty()) {
      ArrayNode problems = body.putArray("problems");
      for (ConfigProblem p : problem.problems()) {
        ObjectNode item = problems.addObject();
        item.put("source", p.source());
        item.put("line", p.line());
        item.put("resource", p.resource());
        item.put("path", p.path());
        item.put("message", p.message());
        item.put("text", p.toString());
      }
    }
    if (problem.status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"crossgate\"");
    }
    response
        .setStatusCode(problem.status())
        .putHeader("Content-Type", PROBLEM_JSON)
        .putHeader(REASON_HEADER, problem.reason())
        .end(body.toString());
  }
}
