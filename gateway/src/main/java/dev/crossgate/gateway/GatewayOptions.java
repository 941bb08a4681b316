package dev.crossgate.gateway;

import dev.crossgate.routing.config.ListenerSettings;
import dev.crossgate.routing.upstream.UpstreamClient;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to run a gateway.
 *
 * @param configPaths YAML/JSON files or folders
 * @param gatewayName the Gateway resource to serve ({@code name} or {@code namespace/name}), or
 *     null for the only one
 * @param bindAddress the address listeners bind to
 * @param adminAddress the address the admin port binds to
 * @param adminPort the admin port (0 for any free port)
 * @param portOverrides listener name (or {@link #ANY_LISTENER}) to port, replacing the configured
 *     port (0 = any free port)
 * @param reloadInterval how often configuration files are checked for changes
 * @param eventLoops how many event loops serve the listeners
 * @param upstream timeouts and pool sizes toward backends
 * @param accessLog where access-log lines go, or null for none
 * @param listener header limits, h2c and WebSocket idle timeout of the HTTP listeners
 * @param controlPlane policy engines as {@code HOST:PORT[,HOST:PORT…]} to subscribe to instead
 *     of reading files, or null
 * @param stateDir where the last-known-good snapshot is kept (control-plane mode)
 * @param nodeId this gateway's id toward the policy engine
 */
public record GatewayOptions(List<Path> configPaths, String gatewayName, String bindAddress,
    String adminAddress, int adminPort, Map<String, Integer> portOverrides,
    Duration reloadInterval, int eventLoops, UpstreamClient.Settings upstream,
    OutputStream accessLog, ListenerSettings listener, String controlPlane, Path stateDir,
    String nodeId) {

  /** The port-override key meaning "the gateway's only listener". */
  public static final String ANY_LISTENER = "*";

  public GatewayOptions {
    configPaths = List.copyOf(configPaths);
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(adminAddress, "adminAddress");
    portOverrides = Map.copyOf(portOverrides);
    Objects.requireNonNull(reloadInterval, "reloadInterval");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(listener, "listener");
    if (configPaths.isEmpty() == (controlPlane == null)) {
      throw new IllegalArgumentException("configPaths: " + configPaths + ", controlPlane: "
          + controlPlane + " (expected: files or a control plane, exactly one of them)");
    }
    stateDir = stateDir == null ? Path.of(".crossgate") : stateDir;
    nodeId = nodeId == null ? "gateway-" + ProcessHandle.current().pid() : nodeId;
    if (eventLoops < 1) {
      throw new IllegalArgumentException("eventLoops: " + eventLoops + " (expected: >= 1)");
    }
  }

  /** Options with the default {@link ListenerSettings}. */
  public GatewayOptions(List<Path> configPaths, String gatewayName, String bindAddress,
      String adminAddress, int adminPort, Map<String, Integer> portOverrides,
      Duration reloadInterval, int eventLoops, UpstreamClient.Settings upstream,
      OutputStream accessLog, String controlPlane, Path stateDir, String nodeId) {
    this(configPaths, gatewayName, bindAddress, adminAddress, adminPort, portOverrides,
        reloadInterval, eventLoops, upstream, accessLog, ListenerSettings.defaults(),
        controlPlane, stateDir, nodeId);
  }

  /** Options with defaults for everything but the files: loopback, admin on 9901. */
  public static GatewayOptions defaults(List<Path> configPaths) {
    return new GatewayOptions(configPaths, null, "127.0.0.1", "127.0.0.1", 9901, Map.of(),
        Duration.ofSeconds(1), Runtime.getRuntime().availableProcessors(),
        UpstreamClient.Settings.defaults(), null, null, null, null);
  }

  /** Options with defaults that subscribe to the policy engines at {@code controlPlane}. */
  public static GatewayOptions controlPlane(String controlPlane, Path stateDir) {
    return new GatewayOptions(List.of(), null, "127.0.0.1", "127.0.0.1", 9901, Map.of(),
        Duration.ofSeconds(1), Runtime.getRuntime().availableProcessors(),
        UpstreamClient.Settings.defaults(), null, controlPlane, stateDir, null);
  }

  /** Whether configuration comes from a policy engine rather than files. */
  public boolean usesControlPlane() {
    return controlPlane != null;
  }

  /** A copy with these port overrides and admin port. */
  public GatewayOptions withPorts(Map<String, Integer> overrides, int admin) {
    return new GatewayOptions(configPaths, gatewayName, bindAddress, adminAddress, admin,
        overrides, reloadInterval, eventLoops, upstream, accessLog, listener,
        controlPlane, stateDir, nodeId);
  }

  /** A copy with these upstream settings. */
  public GatewayOptions withUpstream(UpstreamClient.Settings settings) {
    return new GatewayOptions(configPaths, gatewayName, bindAddress, adminAddress, adminPort,
        portOverrides, reloadInterval, eventLoops, settings, accessLog, listener,
        controlPlane, stateDir, nodeId);
  }

  /** A copy writing access-log lines to {@code out}. */
  public GatewayOptions withAccessLog(OutputStream out) {
    return new GatewayOptions(configPaths, gatewayName, bindAddress, adminAddress, adminPort,
        portOverrides, reloadInterval, eventLoops, upstream, out, listener,
        controlPlane, stateDir, nodeId);
  }

  /** A copy with these listener settings. */
  public GatewayOptions withListener(ListenerSettings settings) {
    return new GatewayOptions(configPaths, gatewayName, bindAddress, adminAddress, adminPort,
        portOverrides, reloadInterval, eventLoops, upstream, accessLog, settings, controlPlane,
        stateDir, nodeId);
  }

  /** A copy checking for configuration changes every {@code interval}. */
  public GatewayOptions withReloadInterval(Duration interval) {
    return new GatewayOptions(configPaths, gatewayName, bindAddress, adminAddress, adminPort,
        portOverrides, interval, eventLoops, upstream, accessLog, listener,
        controlPlane, stateDir, nodeId);
  }
}
