package dev.crossgate.policy.server;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.server.api.PolicyApi;
import java.nio.file.Path;

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
 */
public record PolicyServerOptions(
    Path dataDirectory,
    String apiHost,
    int apiPort,
    int distributionPort,
    long bodyLimit,
    String jgroupsConfiguration,
    String nodeName) {

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
  }

  /** The defaults, with data in {@code dataDirectory}. */
  public static PolicyServerOptions defaults(Path dataDirectory) {
    return new PolicyServerOptions(
        dataDirectory, DEFAULT_HOST, DEFAULT_API_PORT, DEFAULT_DISTRIBUTION_PORT,
        PolicyApi.DEFAULT_BODY_LIMIT, null, null);
  }

  public PolicyServerOptions withApi(String host, int port) {
    return new PolicyServerOptions(
        dataDirectory, host, port, distributionPort, bodyLimit, jgroupsConfiguration, nodeName);
  }

  public PolicyServerOptions withDistributionPort(int port) {
    return new PolicyServerOptions(
        dataDirectory, apiHost, apiPort, port, bodyLimit, jgroupsConfiguration, nodeName);
  }

  public PolicyServerOptions withBodyLimit(long limit) {
    return new PolicyServerOptions(
        dataDirectory, apiHost, apiPort, distributionPort, limit, jgroupsConfiguration, nodeName);
  }

  public PolicyServerOptions withCluster(String jgroupsConfiguration, String nodeName) {
    return new PolicyServerOptions(
        dataDirectory, apiHost, apiPort, distributionPort, bodyLimit, jgroupsConfiguration, nodeName);
  }

  private static void checkPort(String name, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
    }
  }
}
