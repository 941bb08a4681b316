package dev.crossgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.BackendExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code ./crossgate policy-engine} processes on loopback form one cluster (JGroups TCP +
 * TCPPING, each with its own data directory) and a {@code ./crossgate gateway} subscribes to two
 * of them. A write through engine A reaches the gateway connected to engine C; C is killed and the
 * gateway moves to B while serving traffic without a failure; everything stops and starts again
 * on the same data directories with the whole history back.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HighAvailabilityEndToEndTest {

  private static final Pattern ENGINE_UP = Pattern.compile("policy engine API on http://");
  private static final String TOKEN = "e2e-ha-token-0123456789abcdefghijklmnop";
  private static final String JAVA_OPTS = "-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  @RegisterExtension static final BackendExtension APP = new BackendExtension("app");

  @TempDir Path dir;
  final CrossgateProcess[] engines = new CrossgateProcess[3];
  CrossgateProcess gateway;
  int[] ports; // cluster 0..2, FD 3..5, API 6..8, distribution 9..11, gateway 12
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    for (CrossgateProcess engine : engines) {
      if (engine != null) {
        engine.close();
      }
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void writesReachEveryEngineTheGatewayFailsOverAndAFullRestartKeepsTheHistory()
      throws Exception {
    ports = freeBlock(13);
    for (int i = 0; i < 3; i++) {
      seedToken(dir.resolve("engine-" + i));
    }
    startEngines();

    long first = apply(0, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge}
        spec:
          listeners: [{name: http, port: 8080, protocol: HTTP}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: app}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        """.formatted(APP.port()) + route("one"));
    // The gateway subscribes to C first, then B; the write was made through A.
    gateway = CrossgateProcess.start(Map.of("JAVA_OPTS", JAVA_OPTS), "gateway",
        "--control-plane", "127.0.0.1:" + ports[11] + ",127.0.0.1:" + ports[10],
        "--state-dir", dir.resolve("gateway").toString(), "--node-id", "gw-ha",
        "--port", String.valueOf(ports[12]), "--admin-port", "0", "--access-log", "off");
    gateway.awaitLine(Pattern.compile("gateway serving"));
    int gatewayPort = ports[12];
    eventually(Duration.ofSeconds(30), () -> appliedBy(2, "gw-ha") == first);
    eventually(Duration.ofSeconds(30), () -> get(gatewayPort, "/one") == 200);

    long second = apply(0, route("two"));
    eventually(Duration.ofSeconds(30), () -> get(gatewayPort, "/two") == 200);
    eventually(Duration.ofSeconds(30), () -> appliedBy(2, "gw-ha") == second);

    // Traffic throughout the failover.
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong ok = new AtomicLong();
    List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread load = new Thread(() -> {
      while (running.get()) {
        try {
          int status = get(gatewayPort, "/one");
          if (status == 200) {
            ok.incrementAndGet();
          } else {
            failures.add("status " + status);
          }
        } catch (RuntimeException e) {
          failures.add(String.valueOf(e.getMessage()));
        }
      }
    }, "ha-load");
    load.start();

    engines[2].kill();
    engines[2] = null;
    long killedAt = System.nanoTime();
    eventually(Duration.ofSeconds(30), () -> appliedBy(1, "gw-ha") == second);
    long reconnectMillis = (System.nanoTime() - killedAt) / 1_000_000;
    eventually(Duration.ofSeconds(30), () -> members(0) == 2 && members(1) == 2);
    long third = apply(0, route("three"));
    eventually(Duration.ofSeconds(30), () -> get(gatewayPort, "/three") == 200);
    eventually(Duration.ofSeconds(30), () -> appliedBy(1, "gw-ha") == third);
    running.set(false);
    load.join();
    System.out.printf("HA e2e: gateway on engine B %d ms after engine C was killed; "
        + "%d requests during the failover, %d failed%n", reconnectMillis, ok.get(),
        failures.size());
    assertThat(failures).isEmpty();
    assertThat(ok.get()).isPositive();
    assertThat(reconnectMillis).isLessThan(10_000);

    JsonArray history = history(0);
    assertThat(history).hasSize(3);
    assertThat(history(1)).isEqualTo(history);

    // Stop all three (C already gone) and start all three again on the same directories.
    for (int i = 0; i < 2; i++) {
      assertThat(engines[i].terminate()).as(engines[i].stderr()).isIn(0, 143);
      engines[i].close();
      engines[i] = null;
    }
    startEngines();
    for (int i = 0; i < 3; i++) {
      assertThat(history(i)).as("history on engine %d", i).isEqualTo(history);
    }
    // The gateway, still serving, converges on a revision applied after the restart.
    long fourth = apply(2, route("four"));
    assertThat(fourth).isEqualTo(4);
    eventually(Duration.ofSeconds(30), () -> get(gatewayPort, "/four") == 200);
    assertThat(get(gatewayPort, "/one")).isEqualTo(200);
  }

  // ---- engines

  private void startEngines() throws Exception {
    String members = "127.0.0.1[" + ports[0] + "],127.0.0.1[" + ports[1] + "],127.0.0.1["
        + ports[2] + "]";
    for (int i = 0; i < 3; i++) {
      engines[i] = CrossgateProcess.start(Map.of("JAVA_OPTS", JAVA_OPTS), "policy-engine",
          "--data-dir", dir.resolve("engine-" + i).toString(),
          "--api-port", String.valueOf(ports[6 + i]),
          "--distribution-port", String.valueOf(ports[9 + i]),
          "--cluster", "jgroups-tcp-local.xml", "--node-name", "engine-" + i,
          "--cluster-port", String.valueOf(ports[i]), "--cluster-members", members,
          "--cluster-fd-offset", "3");
    }
    for (CrossgateProcess engine : engines) {
      engine.awaitLine(ENGINE_UP);
    }
    eventually(Duration.ofSeconds(60),
        () -> members(0) == 3 && members(1) == 3 && members(2) == 3);
  }

  private static void seedToken(Path dataDir) throws IOException {
    // Tokens are files per engine: an HA setup gives every engine the same one.
    Path tokens = dataDir.resolve("tokens");
    Files.createDirectories(tokens);
    Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rwx------"));
    Path admin = tokens.resolve("admin.token");
    Files.writeString(admin, TOKEN + "\n");
    Files.setPosixFilePermissions(admin, PosixFilePermissions.fromString("rw-------"));
  }

  private static String route(String name) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - matches: [{path: {type: PathPrefix, value: /%s}}]
              backendRefs: [{name: app}]
        """.formatted(name, name);
  }

  private long apply(int engine, String yaml) throws Exception {
    HttpResponse<String> response = http.send(api(engine, "/apply?message=ha")
        .header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body()).getJsonObject("revision").getLong("number");
  }

  private JsonObject status(int engine) {
    try {
      HttpResponse<String> response = http.send(api(engine, "/status").GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? new JsonObject(response.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private int members(int engine) {
    JsonObject status = status(engine);
    return status == null ? -1 : status.getJsonObject("cluster").getJsonArray("members").size();
  }

  /**
   * The revision node {@code nodeId} runs according to {@code engine}, counting only a stream
   * {@code engine} itself holds (status is cluster-wide: other engines' records show too), or -1.
   */
  private long appliedBy(int engine, String nodeId) {
    JsonObject status = status(engine);
    if (status == null) {
      return -1;
    }
    for (Object node : status.getJsonArray("nodes")) {
      JsonObject n = (JsonObject) node;
      if (nodeId.equals(n.getString("nodeId"))
          && ("engine-" + engine).equals(n.getString("engine"))) {
        return n.getLong("appliedRevision");
      }
    }
    return -1;
  }

  private JsonArray history(int engine) throws Exception {
    HttpResponse<String> response = http.send(api(engine, "/revisions").GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Object body = io.vertx.core.json.Json.decodeValue(response.body());
    return body instanceof JsonArray array ? array
        : ((JsonObject) body).getJsonArray("revisions");
  }

  private HttpRequest.Builder api(int engine, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[6 + engine]
            + "/api/v1" + path))
        .timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + TOKEN);
  }

  private int get(int port, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new IllegalStateException(path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int[] freeBlock(int count) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 20_000 + ThreadLocalRandom.current().nextInt(10_000);
      boolean free = true;
      for (int port = base; port < base + count && free; port++) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          socket.setReuseAddress(true);
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        int[] block = new int[count];
        for (int i = 0; i < count; i++) {
          block[i] = base + i;
        }
        return block;
      }
    }
    throw new IllegalStateException("no " + count + " free ports in 20000..30000");
  }

  private static void eventually(Duration within, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + within);
      }
      Thread.sleep(50);
    }
  }
}
