package dev.crossgate.cli;

import dev.crossgate.gateway.GatewayOptions;
import dev.crossgate.routing.config.ListenerSettings;
import dev.crossgate.routing.hygiene.RequestLimits;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.routing.upstream.UpstreamClient;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code crossgate gateway}: runs an ingress gateway on the user's own configuration. */
@Command(name = "gateway",
    mixinStandardHelpOptions = true,
    description = "Run the ingress gateway on YAML/JSON policy files (reloaded when they change).",
    footer = {"", "Example:",
        "  crossgate gateway --config config-examples/basic-routing.yaml --admin-port 9901"})
final class GatewayCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, split = ",", paramLabel = "FILE",
      defaultValue = "${env:CROSSGATE_CONFIG}",
      description = "Policy files or folders, comma-separated or repeated; reloaded when they "
          + "change (env CROSSGATE_CONFIG). Either this or --control-plane.")
  List<Path> config;

  @Option(names = "--control-plane", paramLabel = "HOST:PORT[,HOST:PORT]",
      defaultValue = "${env:CROSSGATE_CONTROL_PLANE}",
      description = "Policy engines to subscribe to instead of reading files "
          + "(env CROSSGATE_CONTROL_PLANE).")
  String controlPlane;

  @Option(names = "--state-dir", paramLabel = "DIR",
      defaultValue = "${env:CROSSGATE_STATE_DIR:-.crossgate}",
      description = "Where the last-known-good snapshot is kept with --control-plane; default "
          + "${DEFAULT-VALUE} (env CROSSGATE_STATE_DIR).")
  Path stateDir;

  @Option(names = "--join-token", paramLabel = "TOKEN",
      defaultValue = "${env:CROSSGATE_JOIN_TOKEN}",
      description = "Join the mesh: a token from 'crossgate token create' for the gateway's "
          + "namespace and service account. The gateway then gets a mesh certificate and sends "
          + "a MeshMigration's meshWeight% of requests to mesh services over mTLS to their "
          + "sidecars. Needs --control-plane (env CROSSGATE_JOIN_TOKEN).")
  String joinToken;

  @Option(names = "--node-id", paramLabel = "ID", defaultValue = "${env:CROSSGATE_NODE_ID}",
      description = "This gateway's id toward the policy engine; default gateway-<pid> "
          + "(env CROSSGATE_NODE_ID).")
  String nodeId;

  @Option(names = "--gateway-name", paramLabel = "NAME",
      defaultValue = "${env:CROSSGATE_GATEWAY_NAME}",
      description = "The Gateway resource to serve, name or namespace/name; default: the only "
          + "one (env CROSSGATE_GATEWAY_NAME).")
  String gatewayName;

  @Option(names = "--address", paramLabel = "IP",
      defaultValue = "${env:CROSSGATE_GATEWAY_ADDRESS:-127.0.0.1}",
      description = "Address the listeners bind to; default ${DEFAULT-VALUE} "
          + "(env CROSSGATE_GATEWAY_ADDRESS). Use 0.0.0.0 to serve other hosts.")
  String address;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:CROSSGATE_GATEWAY_PORT}",
      description = "Port for the Gateway's only listener, replacing its configured port "
          + "(env CROSSGATE_GATEWAY_PORT).")
  Integer port;

  @Option(names = "--listener-port", paramLabel = "NAME=PORT",
      description = "Port for one named listener, replacing its configured port; repeatable.")
  Map<String, Integer> listenerPorts = new HashMap<>();

  @Option(names = "--admin-address", paramLabel = "IP",
      defaultValue = "${env:CROSSGATE_ADMIN_ADDRESS:-127.0.0.1}",
      description = "Admin address; default ${DEFAULT-VALUE} (env CROSSGATE_ADMIN_ADDRESS).")
  String adminAddress;

  @Option(names = "--admin-port", paramLabel = "PORT",
      defaultValue = "${env:CROSSGATE_ADMIN_PORT:-9901}",
      description = "Admin port (/ready, /live, /metrics, /config_dump); default ${DEFAULT-VALUE}"
          + " (env CROSSGATE_ADMIN_PORT).")
  int adminPort;

  @Option(names = "--reload-interval", paramLabel = "DURATION",
      defaultValue = "${env:CROSSGATE_RELOAD_INTERVAL:-1s}",
      description = "How often the files are checked for changes; default ${DEFAULT-VALUE} "
          + "(env CROSSGATE_RELOAD_INTERVAL).")
  Duration reloadInterval;

  @Option(names = "--access-log", paramLabel = "PATH",
      defaultValue = "${env:CROSSGATE_ACCESS_LOG:--}",
      description = "Where JSON access-log lines go: '-' for stdout, 'off', or a file; default "
          + "${DEFAULT-VALUE} (env CROSSGATE_ACCESS_LOG).")
  String accessLog;

  @Option(names = "--event-loops", paramLabel = "N",
      defaultValue = "${env:CROSSGATE_EVENT_LOOPS:-0}",
      description = "Event-loop threads; 0 means one per CPU core (env CROSSGATE_EVENT_LOOPS).")
  int eventLoops;

  @Option(names = "--upstream-connect-timeout", paramLabel = "DURATION",
      defaultValue = "${env:CROSSGATE_UPSTREAM_CONNECT_TIMEOUT:-5s}",
      description = "TCP connect timeout toward backends; default ${DEFAULT-VALUE} "
          + "(env CROSSGATE_UPSTREAM_CONNECT_TIMEOUT).")
  Duration connectTimeout;

  @Option(names = "--upstream-idle-timeout", paramLabel = "DURATION",
      defaultValue = "${env:CROSSGATE_UPSTREAM_IDLE_TIMEOUT:-60s}",
      description = "How long a backend may stay silent during a request (then 504); default "
          + "${DEFAULT-VALUE} (env CROSSGATE_UPSTREAM_IDLE_TIMEOUT).")
  Duration idleTimeout;

  @Option(names = "--client-idle-timeout", paramLabel = "DURATION",
      defaultValue = "${env:CROSSGATE_CLIENT_IDLE_TIMEOUT:-5m}",
      description = "How long a client connection may stay silent (no request in flight) before "
          + "it is closed; 0s means never; default ${DEFAULT-VALUE} "
          + "(env CROSSGATE_CLIENT_IDLE_TIMEOUT).")
  Duration clientIdleTimeout;

  @Option(names = "--drain-timeout", paramLabel = "DURATION",
      defaultValue = "${env:CROSSGATE_DRAIN_TIMEOUT:-10s}",
      description = "On shutdown, how long requests in flight may take to finish after the "
          + "listeners stop accepting; default ${DEFAULT-VALUE} (env CROSSGATE_DRAIN_TIMEOUT).")
  Duration drainTimeout;

  @Option(names = "--max-header-count", paramLabel = "N",
      defaultValue = "${env:CROSSGATE_MAX_HEADER_COUNT:-100}",
      description = "Most header fields a request may carry (more: 431); default "
          + "${DEFAULT-VALUE} (env CROSSGATE_MAX_HEADER_COUNT).")
  int maxHeaderCount;

  @Option(names = "--max-body-size", paramLabel = "BYTES",
      defaultValue = "${env:CROSSGATE_MAX_BODY_SIZE:-67108864}",
      description = "Largest body a Content-Length may announce (larger: 413 before anything "
          + "goes upstream); default ${DEFAULT-VALUE} (env CROSSGATE_MAX_BODY_SIZE).")
  long maxBodySize;

  @Option(names = "--max-connections-per-address", paramLabel = "N",
      defaultValue = "${env:CROSSGATE_MAX_CONNECTIONS_PER_ADDRESS:-1024}",
      description = "Most connections one client address may hold open; 0 means no limit; "
          + "default ${DEFAULT-VALUE} (env CROSSGATE_MAX_CONNECTIONS_PER_ADDRESS).")
  int maxConnectionsPerAddress;

  @Option(names = "--header-read-timeout", paramLabel = "DURATION",
      defaultValue = "${env:CROSSGATE_HEADER_READ_TIMEOUT:-30s}",
      description = "How long a client may take to send a request head (against slowloris); "
          + "default ${DEFAULT-VALUE} (env CROSSGATE_HEADER_READ_TIMEOUT).")
  Duration headerReadTimeout;

  @Override
  public Integer call() throws IOException {
    List<Path> files = config == null ? List.of() : config;
    String engines = blankToNull(controlPlane);
    if (files.isEmpty() && engines == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: "
          + "'--config=FILE' (or --control-plane=HOST:PORT to subscribe to a policy engine)");
    }
    if (!files.isEmpty() && engines != null) {
      throw new ParameterException(spec.commandLine(), "--config and --control-plane: both "
          + "given (expected: one source of configuration)");
    }
    if (engines != null) {
      try {
        DistributionClientSettings.parseEngines(engines);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--control-plane: " + e.getMessage());
      }
    }
    if (blankToNull(joinToken) != null && engines == null) {
      throw new ParameterException(spec.commandLine(), "--join-token: given without "
          + "--control-plane (expected: both; the policy engine is the mesh CA)");
    }
    checkPort("--port", port);
    checkPort("--admin-port", adminPort);
    listenerPorts.forEach((name, value) -> checkPort("--listener-port " + name, value));
    Map<String, Integer> overrides = new HashMap<>(listenerPorts);
    if (port != null) {
      overrides.put(GatewayOptions.ANY_LISTENER, port);
    }
    GatewayOptions options = new GatewayOptions(files, blankToNull(gatewayName), address,
        adminAddress, adminPort, overrides, reloadInterval,
        eventLoops == 0 ? Runtime.getRuntime().availableProcessors() : eventLoops,
        new UpstreamClient.Settings(connectTimeout, idleTimeout, 64), accessLogStream(),
        listenerSettings(), engines, stateDir, blankToNull(nodeId));
    var err = spec.commandLine().getErr();
    return GatewayRunner.runUntilStopped(options, blankToNull(joinToken), err, server -> {
      err.printf("crossgate: gateway serving %s on %s, admin on http://%s:%d%n",
          server.listenerPorts(), address, adminAddress, server.adminPort());
      err.flush();
    }, () -> { });
  }

  /** The listener settings: defaults with the timeouts and request limits given. */
  ListenerSettings listenerSettings() {
    return ListenerSettings.defaults().withClientIdleTimeout(clientIdleTimeout)
        .withDrainTimeout(drainTimeout).withRequestLimits(requestLimits());
  }

  private RequestLimits requestLimits() {
    if (maxHeaderCount < 1) {
      throw new ParameterException(spec.commandLine(),
          "--max-header-count: " + maxHeaderCount + " (expected: > 0)");
    }
    if (maxBodySize < 0) {
      throw new ParameterException(spec.commandLine(),
          "--max-body-size: " + maxBodySize + " (expected: >= 0 bytes)");
    }
    if (maxConnectionsPerAddress < 0) {
      throw new ParameterException(spec.commandLine(), "--max-connections-per-address: "
          + maxConnectionsPerAddress + " (expected: >= 0; 0 means no limit)");
    }
    if (headerReadTimeout.isZero() || headerReadTimeout.isNegative()) {
      throw new ParameterException(spec.commandLine(),
          "--header-read-timeout: " + headerReadTimeout + " (expected: > 0)");
    }
    return new RequestLimits(maxHeaderCount, maxBodySize, maxConnectionsPerAddress,
        headerReadTimeout);
  }

  private OutputStream accessLogStream() throws IOException {
    return switch (accessLog) {
      case "off" -> null;
      case "-" -> System.out;
      default -> new FileOutputStream(accessLog, true);
    };
  }

  private void checkPort(String name, Integer value) {
    if (value != null && (value < 0 || value > 65535)) {
      throw new ParameterException(spec.commandLine(), name + ": " + value
          + " (expected: 0..65535)");
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
