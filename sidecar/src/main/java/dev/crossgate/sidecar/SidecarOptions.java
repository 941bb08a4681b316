package dev.crossgate.sidecar;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.sidecar.proxy.MtlsMode;
import dev.crossgate.sidecar.tls.TlsEngine;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * How to run a sidecar.
 *
 * @param service the app's service name (its sidecars hold {@code spiffe://…/sa/<service>})
 * @param namespace the app's namespace
 * @param appHost where the app listens (default {@code 127.0.0.1})
 * @param appPort the app's port
 * @param inboundAddress the inbound port's bind address (default {@code 0.0.0.0})
 * @param inboundPort mTLS from other sidecars (default 4143; 0 picks a free one)
 * @param localAddress the outbound port's bind address (default {@code 127.0.0.1})
 * @param outboundPort the port the app calls other services through (default 4140)
 * @param adminAddress the admin port's bind address (default {@code 127.0.0.1}; in a pod,
 *     {@code 0.0.0.0} so the kubelet's probes reach it; {@code /shutdown} still answers only
 *     loopback callers)
 * @param adminPort {@code /ready}, {@code /live}, {@code /metrics}, {@code /config_dump},
 *     {@code POST /shutdown} (default 4191)
 * @param controlPlane the policy engine's distribution address(es), {@code host:port[,host:port]}
 * @param joinToken the token from {@code crossgate token create}
 * @param mtlsMode what the inbound port accepts (default PERMISSIVE)
 * @param nodeId this process's id for the engine (default a random UUID)
 * @param eventLoops event-loop threads (default 1: a sidecar serves one app instance)
 * @param advertiseAddress the address other sidecars reach this one's inbound port at, as sent
 *     to the engine (default: {@code inboundAddress} when it is a specific address, else this
 *     host's first non-loopback IPv4 address; in a pod, the pod IP)
 * @param stateDir where the last-known-good snapshot and the certificate are kept, or null to
 *     keep nothing on disk (the default of the API; the CLI keeps them under
 *     {@code .crossgate/sidecar/<namespace>.<service>})
 * @param drainPeriod on shutdown, the longest the sidecar keeps serving after it told the engine
 *     it drains, until the engine confirms every caller applied a snapshot without its endpoint
 *     (default 2 s; see {@code ConfirmedDrain})
 * @param tlsEngine the mesh TLS implementation (null: {@link TlsEngine#defaultEngine()})
 */
public record SidecarOptions(String service, String namespace, String appHost, int appPort,
    String inboundAddress, int inboundPort, String localAddress, int outboundPort, String adminAddress,
    int adminPort, String controlPlane, String joinToken, MtlsMode mtlsMode, String nodeId, int eventLoops,
    String advertiseAddress, Path stateDir, Duration drainPeriod, TlsEngine tlsEngine) {

  /** The default drain period. */
  public static final Duration DEFAULT_DRAIN_PERIOD = Duration.ofSeconds(2);

  /** The options without the discovery and state settings (their defaults apply). */
  public SidecarOptions(String service, String namespace, String appHost, int appPort,
      String inboundAddress, int inboundPort, String localAddress, int outboundPort,
      String adminAddress, int adminPort, String controlPlane, String joinToken, MtlsMode mtlsMode,
      String nodeId, int eventLoops) {
    this(service, namespace, appHost, appPort, inboundAddress, inboundPort, localAddress,
        outboundPort, adminAddress, adminPort, controlPlane, joinToken, mtlsMode, nodeId,
        eventLoops, null, null, DEFAULT_DRAIN_PERIOD, null);
  }

  public static final int DEFAULT_INBOUND_PORT = 4143;
  public static final int DEFAULT_OUTBOUND_PORT = 4140;
  public static final int DEFAULT_ADMIN_PORT = 4191;
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.\\-]{0,251}[a-z0-9])?");

  public SidecarOptions {
    checkName("service", service);
    checkName("namespace", namespace);
    requireNonNull(appHost, "appHost");
    checkPort("appPort", appPort, 1);
    requireNonNull(inboundAddress, "inboundAddress");
    checkPort("inboundPort", inboundPort, 0);
    requireNonNull(localAddress, "localAddress");
    checkPort("outboundPort", outboundPort, 0);
    requireNonNull(adminAddress, "adminAddress");
    checkPort("adminPort", adminPort, 0);
    requireNonNull(controlPlane, "controlPlane");
    DistributionClientSettings.parseEngines(controlPlane);
    if (joinToken == null || joinToken.isBlank()) {
      throw new IllegalArgumentException(
          "joinToken: missing (expected: a token from 'crossgate token create')");
    }
    requireNonNull(mtlsMode, "mtlsMode");
    nodeId = nodeId == null ? "sidecar-" + service + "-" + UUID.randomUUID() : nodeId;
    if (eventLoops < 1) {
      throw new IllegalArgumentException("eventLoops: " + eventLoops + " (expected: >= 1)");
    }
    if (advertiseAddress != null && advertiseAddress.isBlank()) {
      throw new IllegalArgumentException("advertiseAddress: '' (expected: an IP address or host "
          + "name other sidecars reach this one at)");
    }
    drainPeriod = drainPeriod == null ? DEFAULT_DRAIN_PERIOD : drainPeriod;
    if (drainPeriod.isNegative()) {
      throw new IllegalArgumentException("drainPeriod: " + drainPeriod + " (expected: >= 0)");
    }
  }

  /**
   * The address sent to the engine as this sidecar's inbound endpoint: {@code advertiseAddress}
   * if set; else {@code inboundAddress} unless it is a wildcard; else this host's first
   * non-loopback IPv4 address (127.0.0.1 when it has none).
   */
  public String effectiveAdvertiseAddress() {
    if (advertiseAddress != null) {
      return advertiseAddress;
    }
    if (!inboundAddress.equals("0.0.0.0") && !inboundAddress.equals("::")
        && !inboundAddress.equals("[::]")) {
      return inboundAddress;
    }
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address && !address.isLoopbackAddress()
              && !address.isLinkLocalAddress()) {
            return address.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      // fall through to loopback
    }
    return "127.0.0.1";
  }

  /** The same advertising {@code address} as the inbound endpoint. */
  public SidecarOptions withAdvertiseAddress(String address) {
    return new SidecarOptions(service, namespace, appHost, appPort, inboundAddress, inboundPort,
        localAddress, outboundPort, adminAddress, adminPort, controlPlane, joinToken, mtlsMode,
        nodeId, eventLoops, address, stateDir, drainPeriod, tlsEngine);
  }

  /** The same keeping its last-known-good snapshot and certificate in {@code dir}. */
  public SidecarOptions withStateDir(Path dir) {
    return new SidecarOptions(service, namespace, appHost, appPort, inboundAddress, inboundPort,
        localAddress, outboundPort, adminAddress, adminPort, controlPlane, joinToken, mtlsMode,
        nodeId, eventLoops, advertiseAddress, dir, drainPeriod, tlsEngine);
  }

  /** The same draining for {@code period} on shutdown. */
  public SidecarOptions withDrainPeriod(Duration period) {
    return new SidecarOptions(service, namespace, appHost, appPort, inboundAddress, inboundPort,
        localAddress, outboundPort, adminAddress, adminPort, controlPlane, joinToken, mtlsMode,
        nodeId, eventLoops, advertiseAddress, stateDir, period, tlsEngine);
  }

  /** The defaults for {@code service} in {@code namespace} in front of {@code appPort}. */
  public static SidecarOptions of(String service, String namespace, int appPort,
      String controlPlane, String joinToken) {
    return new SidecarOptions(service, namespace, "127.0.0.1", appPort, "0.0.0.0",
        DEFAULT_INBOUND_PORT, "127.0.0.1", DEFAULT_OUTBOUND_PORT, "127.0.0.1", DEFAULT_ADMIN_PORT, controlPlane,
        joinToken, MtlsMode.PERMISSIVE, null, 1);
  }

  /** The same with these ports (0 picks free ones, as tests do). */
  public SidecarOptions withPorts(int inbound, int outbound, int admin) {
    return new SidecarOptions(service, namespace, appHost, appPort, inboundAddress, inbound,
        localAddress, outbound, adminAddress, admin, controlPlane, joinToken, mtlsMode, nodeId, eventLoops,
        advertiseAddress, stateDir, drainPeriod, tlsEngine);
  }

  /** The same with the inbound port bound to {@code address}. */
  public SidecarOptions withInboundAddress(String address) {
    return new SidecarOptions(service, namespace, appHost, appPort, address, inboundPort,
        localAddress, outboundPort, adminAddress, adminPort, controlPlane, joinToken, mtlsMode, nodeId, eventLoops,
        advertiseAddress, stateDir, drainPeriod, tlsEngine);
  }

  /** The same with the admin port bound to {@code address}. */
  public SidecarOptions withAdminAddress(String address) {
    return new SidecarOptions(service, namespace, appHost, appPort, inboundAddress, inboundPort,
        localAddress, outboundPort, address, adminPort, controlPlane, joinToken, mtlsMode, nodeId,
        eventLoops, advertiseAddress, stateDir, drainPeriod, tlsEngine);
  }

  /** The same in this mTLS mode. */
  public SidecarOptions withMtlsMode(MtlsMode mode) {
    return new SidecarOptions(service, namespace, appHost, appPort, inboundAddress, inboundPort,
        localAddress, outboundPort, adminAddress, adminPort, controlPlane, joinToken, mode, nodeId, eventLoops,
        advertiseAddress, stateDir, drainPeriod, tlsEngine);
  }

  /**
   * The mesh TLS implementation: the one given, or {@link TlsEngine#defaultEngine()}, probed on
   * the first call rather than when the options are made (loading BoringSSL and Netty's check of
   * the JDK's TLS take ~0.2 s of CPU; {@link SidecarServer} asks once the certificate request is
   * under way, so the two overlap).
   */
  @Override
  public TlsEngine tlsEngine() {
    return tlsEngine == null ? TlsEngine.defaultEngine() : tlsEngine;
  }

  /** The same with this mesh TLS implementation (null: the default). */
  public SidecarOptions withTlsEngine(TlsEngine engine) {
    return new SidecarOptions(service, namespace, appHost, appPort, inboundAddress, inboundPort,
        localAddress, outboundPort, adminAddress, adminPort, controlPlane, joinToken, mtlsMode,
        nodeId, eventLoops, advertiseAddress, stateDir, drainPeriod, engine);
  }

  private static void checkName(String field, String value) {
    requireNonNull(value, field);
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(field + ": " + value
          + " (expected: lower-case letters, digits, '.', '-'; starting and ending with a letter or digit)");
    }
  }

  private static void checkPort(String field, int port, int min) {
    if (port < min || port > 65535) {
      throw new IllegalArgumentException(field + ": " + port + " (expected: " + min + "..65535)");
    }
  }
}
