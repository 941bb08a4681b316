package dev.crossgate.cli;

import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crossgate policy-engine}: runs the control plane until stopped. */
@Command(name = "policy-engine",
    mixinStandardHelpOptions = true,
    description = "Run the policy engine: the REST policy API, gRPC distribution to gateways and "
        + "sidecars, and the Infinispan store (persistent in --data-dir).",
    footer = {"", "Example:", "  crossgate policy-engine --data-dir /var/lib/crossgate",
        "  crossgate gateway --control-plane 127.0.0.1:9081"})
final class PolicyEngineCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--data-dir", paramLabel = "DIR",
      defaultValue = "${env:CROSSGATE_DATA_DIR:-.crossgate/engine}",
      description = "Where resources, revisions and API tokens are kept; default "
          + "${DEFAULT-VALUE} (env CROSSGATE_DATA_DIR).")
  Path dataDir;

  @Option(names = "--api-address", paramLabel = "IP",
      defaultValue = "${env:CROSSGATE_API_ADDRESS:-127.0.0.1}",
      description = "Address of the REST API and distribution; default ${DEFAULT-VALUE} "
          + "(env CROSSGATE_API_ADDRESS).")
  String apiAddress;

  @Option(names = "--api-port", paramLabel = "PORT",
      defaultValue = "${env:CROSSGATE_API_PORT:-9080}",
      description = "REST API port; default ${DEFAULT-VALUE} (env CROSSGATE_API_PORT).")
  int apiPort;

  @Option(names = "--distribution-port", paramLabel = "PORT",
      defaultValue = "${env:CROSSGATE_DISTRIBUTION_PORT:-9081}",
      description = "gRPC distribution port; default ${DEFAULT-VALUE} "
          + "(env CROSSGATE_DISTRIBUTION_PORT).")
  int distributionPort;

  @Option(names = "--cluster", paramLabel = "JGROUPS_XML",
      defaultValue = "${env:CROSSGATE_CLUSTER}",
      description = "A JGroups configuration to cluster several engines (e.g. "
          + "jgroups-tcp-local.xml or jgroups-kubernetes.xml); default: one engine "
          + "(env CROSSGATE_CLUSTER).")
  String cluster;

  @Option(names = "--node-name", paramLabel = "NAME", defaultValue = "${env:CROSSGATE_NODE_NAME}",
      description = "This engine's name in the cluster (env CROSSGATE_NODE_NAME).")
  String nodeName;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PolicyServerOptions options = PolicyServerOptions.defaults(dataDir)
        .withApi(apiAddress, apiPort)
        .withDistributionPort(distributionPort);
    if (cluster != null && !cluster.isBlank()) {
      options = options.withCluster(cluster, nodeName);
    }
    PolicyServer server;
    try {
      server = PolicyServer.start(options);
    } catch (RuntimeException e) {
      err.println("crossgate: policy engine could not start: " + e.getMessage());
      err.flush();
      return ExitCodes.START_FAILED;
    }
    err.printf("crossgate: policy engine API on http://%s:%d, distribution on %s:%d, data in %s%n",
        apiAddress, server.apiPort(), apiAddress, server.distributionPort(), dataDir);
    err.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "crossgate-engine-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }
}
