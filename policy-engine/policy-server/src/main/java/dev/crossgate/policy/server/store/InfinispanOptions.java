package dev.crossgate.policy.server.store;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * How the Infinispan store keeps its data and finds its peers.
 *
 * @param dataDirectory where the cache's file store and Infinispan's global state live
 * @param jgroupsConfiguration a JGroups stack file (classpath resource or path) for a cluster of
 *     engines, e.g. {@link #TCP_STACK} or {@link #KUBERNETES_STACK}; {@code null} for one engine
 *     with a local cache
 * @param nodeName this engine's name in the cluster; {@code null} lets JGroups pick one
 * @param clusterName the cluster to join; engines with the same name and stack form one cluster
 * @param checkpointInterval revisions between two full-state checkpoints
 */
public record InfinispanOptions(
    Path dataDirectory,
    String jgroupsConfiguration,
    String nodeName,
    String clusterName,
    int checkpointInterval) {

  /**
   * TCP with TCPPING: engines on listed hosts, for several engines on one host. Set
   * {@code crossgate.jgroups.bind_addr}, {@code crossgate.jgroups.bind_port} and
   * {@code crossgate.jgroups.initial_hosts} (e.g. {@code 127.0.0.1[7800],127.0.0.1[7801]}).
   */
  public static final String TCP_STACK = "crossgate-jgroups-tcp.xml";

  /** TCP with DNS_PING, for Kubernetes: set {@code crossgate.jgroups.dns_query} to the headless service. */
  public static final String KUBERNETES_STACK = "crossgate-jgroups-kubernetes.xml";

  /** The default cluster name. */
  public static final String DEFAULT_CLUSTER = "crossgate-policy";

  public InfinispanOptions {
    requireNonNull(dataDirectory, "dataDirectory");
    clusterName = clusterName == null ? DEFAULT_CLUSTER : clusterName;
    if (checkpointInterval < 1) {
      throw new IllegalArgumentException(
          "checkpointInterval: " + checkpointInterval + " (expected: >= 1)");
    }
  }

  /** One engine, a local persistent cache in {@code dataDirectory}. */
  public static InfinispanOptions local(Path dataDirectory) {
    return new InfinispanOptions(
        dataDirectory, null, null, DEFAULT_CLUSTER, RevisionedPolicyStore.DEFAULT_CHECKPOINT_INTERVAL);
  }

  /** The same, as a member of a cluster using this JGroups stack. */
  public InfinispanOptions clustered(String jgroupsConfiguration, String nodeName) {
    requireNonNull(jgroupsConfiguration, "jgroupsConfiguration");
    return new InfinispanOptions(
        dataDirectory, jgroupsConfiguration, nodeName, clusterName, checkpointInterval);
  }

  /** The same with another checkpoint interval. */
  public InfinispanOptions withCheckpointInterval(int checkpointInterval) {
    return new InfinispanOptions(
        dataDirectory, jgroupsConfiguration, nodeName, clusterName, checkpointInterval);
  }

  /** Whether the engine joins a cluster. */
  public boolean clustered() {
    return jgroupsConfiguration != null;
  }
}
