package dev.crossgate.sidecar;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What a running sidecar's {@code /config_dump} says about the services it calls. */
final class MeshView {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private MeshView() {}

  /** The mesh endpoints ({@code host:port}) {@code sidecar} knows for {@code namespace/name}. */
  static List<String> meshEndpoints(SidecarServer sidecar, String service) throws Exception {
    JsonObject dump = new JsonObject(HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sidecar.adminPort() + "/config_dump")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    JsonObject snapshot = dump.getJsonObject("snapshot");
    if (snapshot == null) {
      return List.of();
    }
    for (Object entry : snapshot.getJsonArray("services", new JsonArray())) {
      JsonObject known = (JsonObject) entry;
      if (known.getString("name").equals(service)) {
        return known.getJsonArray("meshEndpoints", new JsonArray()).stream()
            .map(String::valueOf).sorted().toList();
      }
    }
    return List.of();
  }

  /** Waits (30 s at most) until {@code sidecar}'s mesh endpoints of {@code service} are {@code expected}. */
  static void awaitMeshEndpoints(SidecarServer sidecar, String service, List<String> expected)
      throws Exception {
    List<String> want = expected.stream().sorted().toList();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<String> seen;
    while (!(seen = meshEndpoints(sidecar, service)).equals(want)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("mesh endpoints of " + service + " are " + seen + " after 30 s "
            + "(expected: " + want + ")");
      }
      Thread.sleep(10);
    }
  }

  /** Whether something accepts TCP connections on {@code port} of 127.0.0.1. */
  static boolean accepts(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2_000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** {@code 127.0.0.1:<inbound port>} of {@code sidecar}. */
  static String inbound(SidecarServer sidecar) {
    return "127.0.0.1:" + sidecar.inboundPort();
  }
}
