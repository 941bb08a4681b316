package dev.crossgate.cli;

import dev.crossgate.gateway.GatewayOptions;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.Service;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.validation.ValidationOptions;
import dev.crossgate.routing.tls.DevCertificates;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.store.ChangeSet;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code crossgate up}: the whole product on one machine. Starts demo backends, an embedded
 * policy engine (data under the state folder) holding the demo policies, and a gateway
 * subscribed to it with a mesh identity ({@value #MESH_NAMESPACE}/{@value #MESH_ACCOUNT}, from a
 * join token the engine mints at each start), so it talks mTLS to services in the mesh out of
 * the box; writes the CLI's config so {@code crossgate get routes} just works.
 */
@Command(name = "up",
    mixinStandardHelpOptions = true,
    description = "Start a policy engine with demo policies, demo backends and a gateway "
        + "subscribed to the engine.",
    footer = {"", "Example:", "  crossgate up --port 8080 --admin-port 9901",
        "  crossgate get routes     # in another terminal"})
final class UpCommand implements Callable<Integer> {

  private static final String AUTHOR = "crossgate-up";
  /** The namespace of the gateway's mesh identity: the demo's. */
  static final String MESH_NAMESPACE = "demo";
  /** The service account of the gateway's mesh identity. */
  static final String MESH_ACCOUNT = "gateway";
  /**
   * How long the gateway's join token lasts: it is sent again at each certificate renewal, so
   * it must outlive the session; {@code up} mints a new one at each start.
   */
  static final java.time.Duration MESH_TOKEN_TTL = java.time.Duration.ofDays(30);

  @Spec
  CommandSpec spec;

  @Option(names = "--port", paramLabel = "PORT",
      defaultValue = "${env:CROSSGATE_GATEWAY_PORT:-8080}",
      description = "Gateway port; default ${DEFAULT-VALUE} (env CROSSGATE_GATEWAY_PORT).")
  int port;

  @Option(names = "--https-port", paramLabel = "PORT",
      defaultValue = "${env:CROSSGATE_HTTPS_PORT:-8443}",
      description = "Gateway HTTPS port, with the certificates of 'crossgate certs dev' (made "
          + "when absent); default ${DEFAULT-VALUE} (env CROSSGATE_HTTPS_PORT).")
  int httpsPort;

  @Option(names = "--admin-port", paramLabel = "PORT",
      defaultValue = "${env:CROSSGATE_ADMIN_PORT:-9901}",
      description = "Gateway admin port; default ${DEFAULT-VALUE} (env CROSSGATE_ADMIN_PORT).")
  int adminPort;

  @Option(names = "--api-port", paramLabel = "PORT",
      defaultValue = "${env:CROSSGATE_API_PORT:-9080}",
      description = "Policy API port; default ${DEFAULT-VALUE} (env CROSSGATE_API_PORT).")
  int apiPort;

  @Option(names = "--distribution-port", paramLabel = "PORT",
      defaultValue = "${env:CROSSGATE_DISTRIBUTION_PORT:-9081}",
      description = "Policy distribution port; default ${DEFAULT-VALUE} "
          + "(env CROSSGATE_DISTRIBUTION_PORT).")
  int distributionPort;

  @Option(names = "--state-dir", paramLabel = "DIR",
      defaultValue = "${env:CROSSGATE_STATE_DIR:-.crossgate}",
      description = "Where the engine's data, the gateway's last-known-good snapshot, the CLI "
          + "config and the access log go; default ${DEFAULT-VALUE} (env CROSSGATE_STATE_DIR).")
  Path stateDir;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    DevCertificates.CertificateFiles certs;
    try {
      certs = DevCertificates.ensure(CertsCommand.dir(stateDir), DevCertificates.LOCAL_NAMES,
          false);
    } catch (IOException | RuntimeException e) {
      err.println("crossgate: cannot write the development certificates to "
          + CertsCommand.dir(stateDir) + ": " + e.getMessage());
      err.flush();
      return ExitCodes.START_FAILED;
    }
    DemoBackends backends = DemoBackends.start();
    PolicyServer engine;
    try {
      engine = PolicyServer.start(PolicyServerOptions.defaults(stateDir.resolve("engine"))
          .withApi("127.0.0.1", apiPort).withDistributionPort(distributionPort));
    } catch (RuntimeException e) {
      backends.close();
      err.println("crossgate: policy engine could not start: " + e.getMessage());
      err.flush();
      return ExitCodes.START_FAILED;
    }
    long revision = applyDemo(engine, backends.ports(), certs);
    Path cliConfig = writeCliConfig(engine);
    String meshToken = meshJoinToken(engine);
    Path accessLogFile = stateDir.resolve("access.log");
    OutputStream accessLog = Files.newOutputStream(accessLogFile, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    GatewayOptions options = gatewayOptions(engine, stateDir)
        .withPorts(Map.of("http", port, "https", httpsPort), adminPort)
        .withAccessLog(accessLog);
    return GatewayRunner.runUntilStopped(options, meshToken, err, server -> {
      PrintWriter out = spec.commandLine().getOut();
      if (!awaitListener(server)) {
        err.println("crossgate: the gateway has not applied the demo yet; see the log above");
        err.flush();
        return;
      }
      out.println(banner(server.port("http"), server.adminPort(), engine.apiPort(), revision,
          cliConfig, accessLogFile));
      out.println(awaitMeshCertificate(server)
          .map(c -> "Mesh identity " + c.spiffeId() + " (certificate until " + c.notAfter()
              + "): mTLS to services in the mesh; see docs/sidecar.md to add one.")
          .orElse("The gateway has no mesh certificate yet; see the log above."));
      Integer https = server.listenerPorts().get("https");
      if (https != null) {
        out.println("HTTPS on https://localhost:" + https + " with the development CA: curl"
            + " --cacert " + certs.caCertificate() + " https://localhost:" + https
            + "/catalog/items");
      }
      out.flush();
    }, () -> {
      engine.close();
      backends.close();
    });
  }

  /** The gateway's options: subscribed to {@code engine}, its state under {@code stateDir}. */
  static GatewayOptions gatewayOptions(PolicyServer engine, Path stateDir) {
    return GatewayOptions.controlPlane("127.0.0.1:" + engine.distributionPort(),
        stateDir.resolve("gateway"));
  }

  /** A join token for the gateway's mesh identity, minted by {@code engine}'s mesh CA. */
  static String meshJoinToken(PolicyServer engine) throws Exception {
    return await(engine.meshAuthority().joinTokens().create(
        new dev.crossgate.policy.server.ca.WorkloadIdentity(MESH_NAMESPACE, MESH_ACCOUNT),
        MESH_TOKEN_TTL)).token();
  }

  /** Waits (up to 30 s) for the gateway's mesh certificate. */
  static java.util.Optional<dev.crossgate.routing.mesh.WorkloadCertificate> awaitMeshCertificate(
      dev.crossgate.gateway.GatewayServer server) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      var current = server.meshCertificates().flatMap(m -> m.current());
      if (current.isPresent()) {
        return current;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return java.util.Optional.empty();
  }

  /** Waits (up to 30 s) until the gateway serves the demo's listener from the engine. */
  private static boolean awaitListener(dev.crossgate.gateway.GatewayServer server) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!server.listenerPorts().containsKey("http")) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * Puts the demo in the engine: everything on first start; afterwards only the demo Services,
   * whose backends listen on new ports each time (the user's own changes are kept).
   */
  static long applyDemo(PolicyServer engine, Map<String, Integer> ports,
      DevCertificates.CertificateFiles certs) throws Exception {
    PolicyBundle demo = PolicyLoader.loadString("demo.yaml", demoYaml(ports, certs),
        ValidationOptions.DEFAULTS.withListenerProtocols("HTTP", "HTTPS")).bundleOrThrow();
    long current = await(engine.store().current()).revision();
    List<Resource> resources = current == 0 ? demo.resources()
        : List.copyOf(demo.ofKind(Service.class));
    String message = current == 0 ? "demo policies" : "demo backends on new ports";
    return await(engine.store().apply(ChangeSet.puts(resources), OptionalLong.empty(), AUTHOR,
        message)).revision().number();
  }

  private Path writeCliConfig(PolicyServer engine) throws IOException {
    Path tokenFile = stateDir.resolve("engine").resolve("tokens").resolve("admin.token");
    String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    Path config = stateDir.resolve("config");
    Files.deleteIfExists(config);
    Files.createFile(config, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Files.writeString(config, new JsonObject()
        .put("server", "http://127.0.0.1:" + engine.apiPort())
        .put("token", token)
        .encodePrettily() + "\n", StandardCharsets.UTF_8);
    return config;
  }

  static String demoYaml(Map<String, Integer> ports, DevCertificates.CertificateFiles certs)
      throws IOException {
    String template;
    try (InputStream in = UpCommand.class.getResourceAsStream("/demo/demo.yaml")) {
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String yaml = template;
    for (var entry : ports.entrySet()) {
      String key = "${" + entry.getKey().toUpperCase(Locale.ROOT).replace('-', '_') + "_PORT}";
      yaml = yaml.replace(key, String.valueOf(entry.getValue()));
    }
    return yaml.replace("${DEV_CERTIFICATE}", certs.serverCertificate().toAbsolutePath().toString())
        .replace("${DEV_KEY}", certs.serverKey().toAbsolutePath().toString());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static String banner(int port, int adminPort, int apiPort, long revision,
      Path cliConfig, Path accessLog) {
    String base = "http://127.0.0.1:" + port;
    String admin = "http://127.0.0.1:" + adminPort;
    return String.join("\n",
        "",
        "Crossgate is up: gateway on " + base + ", admin on " + admin + ",",
        "policy engine API on http://127.0.0.1:" + apiPort + " (revision " + revision + ")",
        "",
        "Try:",
        "  curl -s " + base + "/catalog/items            # round-robin over catalog-1 and"
            + " catalog-2",
        "  curl -s " + base + "/api/v1/catalog/items     # rewritten to /catalog/items",
        "  curl -si " + base + "/shop                    # 302 redirect to /catalog",
        "  curl -s " + base + "/orders                   # canary: 90% orders-v1, 10% orders-v2",
        "  curl -s -H 'x-version: v2' " + base + "/orders  # pin to orders-v2",
        "  curl -s " + base + "/nowhere                  # problem+json, x-crossgate-error:"
            + " route_not_found",
        "  ./crossgate get routes                        # the policies in the engine",
        "  ./crossgate status                            # which revision each gateway runs",
        "  ./crossgate history                           # every change, with its author",
        "  curl -s " + admin + "/metrics | grep crossgate_requests",
        "",
        "Change a policy with ./crossgate apply -f FILE: the gateway applies it within",
        "milliseconds and the engine records that it did. The CLI reads " + cliConfig + ".",
        "Access log: " + accessLog + ". Stop with Ctrl-C.",
        "");
  }
}
