package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.StringJoiner;

/**
 * A small blocking client of the policy REST API ({@code /api/v1}). Every answer other than 2xx
 * becomes an {@link ApiException} with the CLI's exit code and a message that says what to do;
 * this is the one place that maps API failures.
 */
final class PolicyApiClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final URI server;
  private final String token;
  private final String tokenSource;
  private final List<String> tokenLocations;
  private final Duration timeout;
  private final HttpClient http;

  PolicyApiClient(URI server, String token, String tokenSource, List<String> tokenLocations,
      Duration timeout) {
    this.server = server;
    this.token = token;
    this.tokenSource = tokenSource;
    this.tokenLocations = List.copyOf(tokenLocations);
    this.timeout = timeout;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT)
        .build();
  }

  /** The API's base URL, e.g. {@code http://127.0.0.1:9080}. */
  URI server() {
    return server;
  }

  /**
   * A JSON answer and the revision it was read at (its {@code ETag}; {@code -1} without one).
   *
   * @param body the JSON body
   * @param revision the revision from the {@code ETag} header, or {@code -1}
   */
  record Reply(JsonNode body, long revision) {}

  /** The same client with another request timeout (for calls that wait on the data planes). */
  PolicyApiClient withTimeout(Duration requestTimeout) {
    return new PolicyApiClient(server, token, tokenSource, tokenLocations, requestTimeout);
  }

  /** {@code GET} a JSON answer. */
  JsonNode get(String path, Map<String, String> query) {
    return send("GET", path, query, OptionalLong.empty(), null).body();
  }

  /** {@code GET} a JSON answer with the revision it was read at. */
  Reply read(String path, Map<String, String> query) {
    return send("GET", path, query, OptionalLong.empty(), null);
  }

  /** {@code DELETE}, with {@code If-Match} when {@code ifMatch} is set. */
  JsonNode delete(String path, Map<String, String> query, OptionalLong ifMatch) {
    return send("DELETE", path, query, ifMatch, null).body();
  }

  /** {@code POST} a YAML body (or none). */
  JsonNode post(String path, Map<String, String> query, OptionalLong ifMatch, String yaml) {
    return send("POST", path, query, ifMatch, yaml).body();
  }

  /** Builds a query map, leaving out {@code null} values. */
  static Map<String, String> query(String... namesAndValues) {
    Map<String, String> query = new LinkedHashMap<>();
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      if (namesAndValues[i + 1] != null) {
        query.put(namesAndValues[i], namesAndValues[i + 1]);
      }
    }
    return query;
  }

  /** One URL path segment, percent-encoded. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private Reply send(String method, String path, Map<String, String> query,
      OptionalLong ifMatch, String yaml) {
    URI uri = uri(path, query);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Accept", "application/json")
        .method(method, yaml == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(yaml, StandardCharsets.UTF_8));
    if (yaml != null) {
      request.header("Content-Type", "application/yaml");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    ifMatch.ifPresent(revision -> request.header("If-Match", "\"" + revision + "\""));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException | ConnectException e) {
      throw unreachable("cannot connect");
    } catch (HttpTimeoutException e) {
      throw new ApiException(ExitCodes.UNREACHABLE, "the policy API at " + server
          + " did not answer within " + timeout.toMillis() + " ms (raise --timeout?)");
    } catch (IOException e) {
      throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(ExitCodes.UNREACHABLE, "interrupted while calling " + uri);
    }
    JsonNode body = parse(response.body());
    if (response.statusCode() / 100 == 2) {
      if (body == null) {
        throw new ApiException(ExitCodes.API_ERROR, method + " " + uri
            + ": the answer is not JSON (is " + server + " a Crossgate policy API?)");
      }
      return new Reply(body, etagRevision(response.headers().firstValue("ETag").orElse(null)));
    }
    throw failure(response.statusCode(), body, method + " " + uri);
  }

  private ApiException unreachable(String why) {
    return new ApiException(ExitCodes.UNREACHABLE, "cannot reach the policy API at " + server
        + " (" + why + "). Is the policy engine running? Start it with "
        + "'./crossgate policy-engine' or './crossgate up', or point --server "
        + "(CROSSGATE_SERVER) at it.");
  }

  private ApiException failure(int status, JsonNode problem, String call) {
    String detail = problem == null ? null : problem.path("detail").asText(null);
    String what = detail == null ? "HTTP " + status : detail;
    return switch (status) {
      case 401 -> new ApiException(ExitCodes.UNAUTHORIZED, token == null
          ? "the policy API at " + server + " needs a token and none was found; looked in "
              + String.join(", ", tokenLocations) + ". The engine prints its token once, on "
              + "first start, and keeps it in <data>/tokens/admin.token."
          : "the policy API at " + server + " refused the token from " + tokenSource
              + " (401: " + what + "); looked for a token in "
              + String.join(", ", tokenLocations) + ".", problem);
      case 404 -> new ApiException(ExitCodes.NOT_FOUND, "not found: " + what, problem);
      case 409 -> new ApiException(ExitCodes.CONFLICT, "conflict: " + what
          + "; nothing was written. Read the current state and retry, or drop --if-match.",
          problem);
      case 400, 413, 415, 422 -> new ApiException(ExitCodes.INVALID_CONFIG,
          withProblems(what, problem), problem);
      default -> new ApiException(ExitCodes.API_ERROR, call + " failed: " + what, problem);
    };
  }

  private static String withProblems(String detail, JsonNode problem) {
    if (problem == null || !problem.path("problems").isArray()) {
      return detail;
    }
    StringJoiner out = new StringJoiner("\n");
    problem.path("problems").forEach(p -> out.add(p.path("text").asText()));
    out.add(detail);
    return out.toString();
  }

  private URI uri(String path, Map<String, String> query) {
    StringBuilder uri = new StringBuilder(server.toString()).append("/api/v1").append(path);
    char separator = '?';
    for (Map.Entry<String, String> entry : query.entrySet()) {
      uri.append(separator).append(entry.getKey()).append('=')
          .append(URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    return URI.create(uri.toString());
  }

  private static long etagRevision(String etag) {
    if (etag == null) {
      return -1;
    }
    try {
      return Long.parseLong(etag.replace("W/", "").replace("\"", "").strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}
