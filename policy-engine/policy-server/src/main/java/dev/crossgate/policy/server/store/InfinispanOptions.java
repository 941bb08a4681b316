package dev.crossgate.policy.server.store;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

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
 * @param jgroupsProperties values for the stack's {@code ${crossgate.jgroups.*}} variables for
 *     this engine only (e.g. {@code crossgate.jgroups.bind_port}); they win over system
 *     properties, so several engines can run in one JVM. Variables not given here are resolved
 *     by JGroups from system properties or their defaults.
 */
public record InfinispanOptions(
    Path dataDirectory,
    String jgroupsConfiguration,
    String nodeName,
    String clusterName,
    int checkpointInterval,
    Map<String, String> jgroupsProperties) {

  /**
   * TCP with TCPPING: engines on listed hosts, for several engines on one host. Set
   * {@code crossgate.jgroups.bind_addr}, {@code crossgate.jgroups.bind_port} and
   * {@code crossgate.jgroups.initial_hosts} (e.g. {@code 127.0.0.1[7800],127.0.0.1[7801]}).
   * Also known as {@code jgroups-tcp-local.xml} or {@code tcp}.
   */
  public static final String TCP_STACK = "crossgate-jgroups-tcp.xml";

  /**
   * TCP with DNS_PING, for Kubernetes: set {@code crossgate.jgroups.dns_query} to the headless
   * service. Also known as {@code jgroups-kubernetes.xml} or {@code kubernetes}.
   */
  public static final String KUBERNETES_STACK = "crossgate-jgroups-kubernetes.xml";

  /** The default cluster name. */
  public static final String DEFAULT_CLUSTER = "crossgate-policy";

  public InfinispanOptions {
    requireNonNull(dataDirectory, "dataDirectory");
    clusterName = clusterName == null ? DEFAULT_CLUSTER : clusterName;
    jgroupsProperties =
        jgroupsProperties == null ? Map.of() : Map.copyOf(new TreeMap<>(jgroupsProperties));
    if (checkpointInterval < 1) {
      throw new IllegalArgumentException(
          "checkpointInterval: " + checkpointInterval + " (expected: >= 1)");
    }
  }

  /** One engine, a local persistent cache in {@code dataDirectory}. */
  public static InfinispanOptions local(Path dataDirectory) {
    return new InfinispanOptions(
        dataDirectory, null, null, DEFAULT_CLUSTER, RevisionedPolicyStore.DEFAULT_CHECKPOINT_INTERVAL,
        Map.of());
  }

  /** The same, as a member of a cluster using this JGroups stack. */
  public InfinispanOptions clustered(String jgroupsConfiguration, String nodeName) {
    requireNonNull(jgroupsConfiguration, "jgroupsConfiguration");
    return new InfinispanOptions(
        dataDirectory, jgroupsConfiguration, nodeName, clusterName, checkpointInterval,
        jgroupsProperties);
  }

  /** The same with these values for the stack's variables (see {@link #jgroupsProperties()}). */
  public InfinispanOptions withJgroupsProperties(Map<String, String> properties) {
    return new InfinispanOptions(
        dataDirectory, jgroupsConfiguration, nodeName, clusterName, checkpointInterval, properties);
  }

  /** The same in another cluster (engines with different names never join each other). */
  public InfinispanOptions withClusterName(String name) {
    return new InfinispanOptions(
        dataDirectory, jgroupsConfiguration, nodeName, name, checkpointInterval, jgroupsProperties);
  }

  /** The same with another checkpoint interval. */
  public InfinispanOptions withCheckpointInterval(int checkpointInterval) {
    return new InfinispanOptions(
        dataDirectory, jgroupsConfiguration, nodeName, clusterName, checkpointInterval,
        jgroupsProperties);
  }

  /** Whether the engine joins a cluster. */
  public boolean clustered() {
    return jgroupsConfiguration != null;
  }
}
