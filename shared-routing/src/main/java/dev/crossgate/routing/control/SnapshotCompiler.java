package dev.crossgate.routing.control;

import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.routing.config.ConfigException;
import dev.crossgate.routing.config.RoutingConfig;
import dev.crossgate.routing.config.RoutingConfigCompiler;
import java.util.Objects;

/**
 * Turns a snapshot into a routing configuration with the same validation as files: a snapshot
 * that does not validate or compile is refused with every problem in the message.
 */
public final class SnapshotCompiler {

  private final RoutingConfigCompiler compiler;
  private final String gatewayName;

  /** A compiler for the Gateway named {@code gatewayName} (null for the only one). */
  public SnapshotCompiler(RoutingConfigCompiler compiler, String gatewayName) {
    this.compiler = Objects.requireNonNull(compiler, "compiler");
    this.gatewayName = gatewayName;
  }

  /**
   * Compiles {@code snapshot}.
   *
   * @param source where it came from, for {@code /config_dump}
   * @param previous the running configuration, or null
   */
  public RoutingConfig compile(Snapshot snapshot, String source, RoutingConfig previous)
      throws ConfigException {
    String origin = "snapshot revision " + snapshot.getRevision();
    LoadResult result = PolicyLoader.loadString(origin + ".json", snapshot.getResourcesJson());
    if (!result.ok()) {
      StringBuilder message = new StringBuilder(origin + " is invalid:");
      result.problems().forEach(p -> message.append("\n  ").append(p));
      throw new ConfigException(message.toString());
    }
    String served = snapshot.getGatewayName().isEmpty() ? gatewayName
        : snapshot.getGatewayName();
    return compiler.compile(result.bundle(), served, source,
        "r" + snapshot.getRevision() + "-" + snapshot.getHash(), snapshot.getResourcesJson(),
        previous);
  }
}
