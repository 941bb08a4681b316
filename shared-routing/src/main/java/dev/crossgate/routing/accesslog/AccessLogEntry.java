package dev.crossgate.routing.accesslog;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/**
 * What happened to one request.
 *
 * @param time when the request arrived
 * @param requestId the request id
 * @param clientAddress the client address
 * @param method the method
 * @param host the host
 * @param path the path
 * @param route the matched route, or null
 * @param backend the chosen backend, or null
 * @param endpoint the chosen endpoint, or null
 * @param status the status sent
 * @param bytesIn request body bytes received
 * @param bytesOut response body bytes sent
 * @param durationMicros total duration
 * @param upstreamMicros time until the upstream response head, or -1
 * @param error the error reason code, or null
 * @param details further facts filters recorded (e.g. the authentication failure or the
 *     authorization decision), written as top-level fields; empty for none
 */
public record AccessLogEntry(Instant time, String requestId, String clientAddress, String method,
    String host, String path, String route, String backend, String endpoint, int status,
    long bytesIn, long bytesOut, long durationMicros, long upstreamMicros, String error,
    Map<String, String> details) {

  public AccessLogEntry {
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  /** An entry without details. */
  public AccessLogEntry(Instant time, String requestId, String clientAddress, String method,
      String host, String path, String route, String backend, String endpoint, int status,
      long bytesIn, long bytesOut, long durationMicros, long upstreamMicros, String error) {
    this(time, requestId, clientAddress, method, host, path, route, backend, endpoint, status,
        bytesIn, bytesOut, durationMicros, upstreamMicros, error, Map.of());
  }

  /** The JSON line for this entry, without a trailing newline. */
  public String toJson() {
    JsonObject json = new JsonObject()
        .put("time", time.toString())
        .put("request_id", requestId)
        .put("client", clientAddress)
        .put("method", method)
        .put("host", host)
        .put("path", path)
        .put("route", route)
        .put("backend", backend)
        .put("endpoint", endpoint)
        .put("status", status)
        .put("bytes_in", bytesIn)
        .put("bytes_out", bytesOut)
        .put("duration_us", durationMicros);
    if (upstreamMicros >= 0) {
      json.put("upstream_us", upstreamMicros);
    }
    if (error != null) {
      json.put("error", error);
    }
    details.forEach(json::put);
    return json.encode();
  }
}
