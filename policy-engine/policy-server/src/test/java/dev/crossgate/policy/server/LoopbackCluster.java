package dev.crossgate.policy.server;

import dev.crossgate.policy.server.store.InfinispanOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Options for engine {@code n} of a cluster of {@code size} engines on loopback, as the cluster
 * tests start them: engine n's data in {@code data/engine-n}, its JGroups port {@code ports[n]}
 * (every engine's listed up front for TCPPING) and failure detection on
 * {@code ports[n + size]}; so {@code ports} is a {@link FreePorts#block} of at least
 * {@code 2 * size}.
 */
public final class LoopbackCluster {

  private LoopbackCluster() {}

  /** Engine {@code n}'s options, its API and distribution ports chosen by the system. */
  public static PolicyServerOptions options(Path data, int n, int size, int[] ports) {
    return options(data, n, size, ports, 0);
  }

  /** The same, with the distribution port given (0: the system's choice). */
  public static PolicyServerOptions options(Path data, int n, int size, int[] ports,
      int distributionPort) {
    String members = IntStream.range(0, size).mapToObj(i -> "127.0.0.1[" + ports[i] + "]")
        .reduce((a, b) -> a + "," + b).orElseThrow();
    return PolicyServerOptions.defaults(data.resolve("engine-" + n))
        .withApi("127.0.0.1", 0).withDistributionPort(distributionPort)
        .withCluster(InfinispanOptions.TCP_STACK, "engine-" + n)
        .withClusterMembers("127.0.0.1", ports[n], members)
        .withClusterProperties(Map.of(
            PolicyServerOptions.BIND_ADDR, "127.0.0.1",
            PolicyServerOptions.BIND_PORT, String.valueOf(ports[n]),
            PolicyServerOptions.INITIAL_HOSTS, members,
            PolicyServerOptions.FD_OFFSET, String.valueOf(size)));
  }
}
