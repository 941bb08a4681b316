package dev.crossgate.cli;

import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.MeshCaOptions;
import dev.crossgate.policy.server.distribution.DistributionService;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code crossgate policy-engine}: runs the control plane until stopped. */
@Command(name = "policy-engine",
    mixinStandardHelpOptions = true,
    description = "Run the policy engine: the REST policy API, gRPC distribution to gateways and "
        + "sidecars, and the Infinispan store (persistent in --data-dir).",
    footer = {"", "Example:", "  crossgate policy-engine --data-dir /var/lib/crossgate",
        "  crossgate gateway --control-plane 127.0.0.1:9081", "",
        "Three engines on one host (run each with its own data dir, ports and node name):",
        "  crossgate policy-engine --data-dir e1 --api-port 9080 --distribution-port 9081 \\",
        "      --cluster tcp --node-name e1 --cluster-port 7800 \\",
        "      --cluster-members '127.0.0.1[7800],127.0.0.1[7801],127.0.0.1[7802]'",
        "  crossgate gateway --control-plane 127.0.0.1:9081,127.0.0.1:9181,127.0.0.1:9281"})
final class PolicyEngineCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  private static final Duration MAX_MESH_ENDPOINT_GRACE = Duration.ofHours(1);

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
      description = "A JGroups stack to cluster several engines: tcp (alias "
          + "jgroups-tcp-local.xml: TCP + TCPPING, engines listed with --cluster-members), "
          + "kubernetes (alias jgroups-kubernetes.xml: DNS_PING, with --cluster-dns-query), or "
          + "a file; default: one engine (env CROSSGATE_CLUSTER).")
  String cluster;

  @Option(names = "--cluster-address", paramLabel = "IP",
      defaultValue = "${env:CROSSGATE_CLUSTER_ADDRESS}",
      description = "Address the cluster transport binds; default 127.0.0.1 for tcp, the pod "
          + "address for kubernetes (env CROSSGATE_CLUSTER_ADDRESS).")
  String clusterAddress;

  @Option(names = "--cluster-port", paramLabel = "PORT",
      defaultValue = "${env:CROSSGATE_CLUSTER_PORT}",
      description = "Port the cluster transport binds; default 7800 (env CROSSGATE_CLUSTER_PORT).")
  Integer clusterPort;

  @Option(names = "--cluster-members", paramLabel = "HOST[PORT],…",
      defaultValue = "${env:CROSSGATE_CLUSTER_MEMBERS}",
      description = "Every engine of a tcp cluster, this one included, e.g. "
          + "127.0.0.1[7800],127.0.0.1[7801],127.0.0.1[7802] (the default) "
          + "(env CROSSGATE_CLUSTER_MEMBERS).")
  String clusterMembers;

  @Option(names = "--cluster-fd-offset", paramLabel = "N",
      defaultValue = "${env:CROSSGATE_CLUSTER_FD_OFFSET}",
      description = "Failure detection listens on the cluster port + N; default 50000 "
          + "(env CROSSGATE_CLUSTER_FD_OFFSET).")
  Integer clusterFdOffset;

  @Option(names = "--cluster-dns-query", paramLabel = "NAME",
      defaultValue = "${env:CROSSGATE_CLUSTER_DNS_QUERY}",
      description = "For kubernetes: the headless service whose A records are the engines, e.g. "
          + "policy-engine-headless.crossgate.svc.cluster.local (env CROSSGATE_CLUSTER_DNS_QUERY).")
  String clusterDnsQuery;

  @Option(names = "--node-name", paramLabel = "NAME", defaultValue = "${env:CROSSGATE_NODE_NAME}",
      description = "This engine's name in the cluster (env CROSSGATE_NODE_NAME).")
  String nodeName;

  @Option(names = "--trust-domain", paramLabel = "DOMAIN",
      defaultValue = "${env:CROSSGATE_TRUST_DOMAIN:-crossgate.local}",
      description = "The mesh trust domain in every SPIFFE id; default ${DEFAULT-VALUE} "
          + "(env CROSSGATE_TRUST_DOMAIN).")
  String trustDomain;

  @Option(names = "--certificate-ttl", paramLabel = "DURATION",
      defaultValue = "${env:CROSSGATE_CERTIFICATE_TTL:-24h}",
      description = "How long mesh certificates last, 1m..90d; default ${DEFAULT-VALUE} "
          + "(env CROSSGATE_CERTIFICATE_TTL).")
  Duration certificateTtl;

  @Option(names = "--mesh-endpoint-grace", paramLabel = "DURATION",
      defaultValue = "${env:CROSSGATE_MESH_ENDPOINT_GRACE:-30s}",
      description = "How long the mesh endpoints served before a restart, or handed over by an "
          + "engine of the cluster that stopped, are kept until their sidecars register again, "
          + "0..1h; default ${DEFAULT-VALUE} (env CROSSGATE_MESH_ENDPOINT_GRACE).")
  Duration meshEndpointGrace;

  @Option(names = "--ca-certificate", paramLabel = "PEM",
      description = "An operator's root CA certificate to use instead of a generated one "
          + "(with --ca-key).")
  Path caCertificate;

  @Option(names = "--ca-key", paramLabel = "PEM",
      description = "The unencrypted private key of --ca-certificate.")
  Path caKey;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    MeshCaOptions mesh;
    try {
      mesh = new MeshCaOptions(trustDomain, certificateTtl,
          caCertificate, caKey);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (meshEndpointGrace.compareTo(MAX_MESH_ENDPOINT_GRACE) > 0) {
      throw new ParameterException(spec.commandLine(), "--mesh-endpoint-grace: "
          + meshEndpointGrace + " (expected: between 0s and 1h)");
    }
    PolicyServerOptions options = PolicyServerOptions.defaults(dataDir)
        .withApi(apiAddress, apiPort)
        .withDistributionPort(distributionPort);
    if (cluster != null && !cluster.isBlank()) {
      options = options.withCluster(cluster, nodeName)
          .withClusterMembers(blankToNull(clusterAddress), clusterPort, blankToNull(clusterMembers));
      java.util.Map<String, String> properties = new java.util.TreeMap<>(
          options.clusterProperties());
      if (clusterFdOffset != null) {
        properties.put(PolicyServerOptions.FD_OFFSET, String.valueOf(clusterFdOffset));
      }
      if (clusterDnsQuery != null && !clusterDnsQuery.isBlank()) {
        properties.put(PolicyServerOptions.DNS_QUERY, clusterDnsQuery);
      }
      options = options.withClusterProperties(properties);
    }
    PolicyServer server;
    try {
      server = PolicyServer.start(options,
          DistributionService.Settings.defaults(), mesh, meshEndpointGrace);
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

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
