package dev.crossgate.policy.server;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.server.api.PolicyApi;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * How to run the policy engine.
 *
 * @param dataDirectory where the store and the API tokens live
 * @param apiHost the REST API's bind address (default {@code 127.0.0.1})
 * @param apiPort the REST API's port (default 9080; 0 picks a free one)
 * @param distributionPort the gRPC distribution port data planes subscribe to (default 9081)
 * @param bodyLimit the largest request body the API reads, in bytes (default 4 MiB)
 * @param jgroupsConfiguration a JGroups stack to cluster engines with, or {@code null} for one
 *     engine
 * @param nodeName this engine's cluster node name, or {@code null}
 * @param clusterProperties values for the JGroups stack's variables for this engine only, e.g.
 *     {@code crossgate.jgroups.bind_port} and {@code crossgate.jgroups.initial_hosts} (see
 *     {@link #withClusterMembers})
 */
public record PolicyServerOptions(
    Path dataDirectory,
    String apiHost,
    int apiPort,
    int distributionPort,
    long bodyLimit,
    String jgroupsConfiguration,
    String nodeName,
    Map<String, String> clusterProperties) {

  /** JGroups stack variable: the address to bind. */
  public static final String BIND_ADDR = "crossgate.jgroups.bind_addr";
  /** JGroups stack variable: the TCP port to bind. */
  public static final String BIND_PORT = "crossgate.jgroups.bind_port";
  /** JGroups stack variable: TCPPING's members, {@code host[port],host[port]}. */
  public static final String INITIAL_HOSTS = "crossgate.jgroups.initial_hosts";
  /** JGroups stack variable: FD_SOCK2's port, as an offset from the TCP port. */
  public static final String FD_OFFSET = "crossgate.jgroups.fd_offset";
  /** JGroups stack variable: DNS_PING's query (the headless service). */
  public static final String DNS_QUERY = "crossgate.jgroups.dns_query";

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_API_PORT = 9080;
  public static final int DEFAULT_DISTRIBUTION_PORT = 9081;

  public PolicyServerOptions {
    requireNonNull(dataDirectory, "dataDirectory");
    requireNonNull(apiHost, "apiHost");
    checkPort("apiPort", apiPort);
    checkPort("distributionPort", distributionPort);
    if (bodyLimit < 1) {
      throw new IllegalArgumentException("bodyLimit: " + bodyLimit + " (expected: >= 1)");
    }
    clusterProperties =
        clusterProperties == null ? Map.of() : Map.copyOf(new TreeMap<>(clusterProperties));
  }

  /** The defaults, with data in {@code dataDirectory}. */
  public static PolicyServerOptions defaults(Path dataDirectory) {
    return new PolicyServerOptions(
        dataDirectory, DEFAULT_HOST, DEFAULT_API_PORT, DEFAULT_DISTRIBUTION_PORT,
        PolicyApi.DEFAULT_BODY_LIMIT, null, null, Map.of());
  }

  public PolicyServerOptions withApi(String host, int port) {
    return new PolicyServerOptions(
        dataDirectory, host, port, distributionPort, bodyLimit, jgroupsConfiguration, nodeName,
        clusterProperties);
  }

  public PolicyServerOptions withDistributionPort(int port) {
    return new PolicyServerOptions(
        dataDirectory, apiHost, apiPort, port, bodyLimit, jgroupsConfiguration, nodeName,
        clusterProperties);
  }

  public PolicyServerOptions withBodyLimit(long limit) {
    return new PolicyServerOptions(
        dataDirectory, apiHost, apiPort, distributionPort, limit, jgroupsConfiguration, nodeName,
        clusterProperties);
  }

  public PolicyServerOptions withCluster(String jgroupsConfiguration, String nodeName) {
    return new PolicyServerOptions(
        dataDirectory, apiHost, apiPort, distributionPort, bodyLimit, jgroupsConfiguration, nodeName,
        clusterProperties);
  }

  /** The same with these values for the JGroups stack's variables (replacing earlier ones). */
  public PolicyServerOptions withClusterProperties(Map<String, String> properties) {
    return new PolicyServerOptions(dataDirectory, apiHost, apiPort, distributionPort, bodyLimit,
        jgroupsConfiguration, nodeName, properties);
  }

  /**
   * The same, for the TCP stack: bind the cluster transport to {@code bindAddress:bindPort} and
   * find the other engines at {@code members} ({@code host[port],host[port],…}, this one
   * included). {@code bindPort} or {@code members} may be {@code null} to keep the stack's
   * default.
   */
  public PolicyServerOptions withClusterMembers(String bindAddress, Integer bindPort,
      String members) {
    Map<String, String> properties = new TreeMap<>(clusterProperties);
    if (bindAddress != null) {
      properties.put(BIND_ADDR, bindAddress);
    }
    if (bindPort != null) {
      checkPort("clusterPort", bindPort);
      properties.put(BIND_PORT, String.valueOf(bindPort));
    }
    if (members != null) {
      properties.put(INITIAL_HOSTS, members);
    }
    return withClusterProperties(properties);
  }

  private static void checkPort(String name, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
    }
  }
}
