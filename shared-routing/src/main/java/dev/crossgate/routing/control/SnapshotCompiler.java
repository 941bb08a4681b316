package dev.crossgate.routing.control;

import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.distribution.ReceivedSnapshot;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.validation.ValidationOptions;
import dev.crossgate.routing.config.ConfigException;
import dev.crossgate.routing.config.RoutingConfig;
import dev.crossgate.routing.config.RoutingConfigCompiler;
import java.util.Objects;

/**
 * Turns a snapshot into a routing configuration with the same validation as files: a snapshot
 * that does not validate or compile is refused with every problem in the message. Resources
 * unchanged since the previous snapshot are not bound again (see {@link BoundResources}).
 */
public final class SnapshotCompiler {

  private final RoutingConfigCompiler compiler;
  private final String gatewayName;
  private final BoundResources bound;

  /**
   * A compiler for the Gateway named {@code gatewayName} (null for the only one), validating
   * with {@code validation}: what the data plane serving the result supports.
   */
  public SnapshotCompiler(RoutingConfigCompiler compiler, String gatewayName,
      ValidationOptions validation) {
    this.compiler = Objects.requireNonNull(compiler, "compiler");
    this.gatewayName = gatewayName;
    this.bound = new BoundResources(Objects.requireNonNull(validation, "validation"));
  }

  /**
   * Compiles {@code snapshot}.
   *
   * @param source where it came from, for {@code /config_dump}
   * @param previous the running configuration, or null
   */
  public RoutingConfig compile(Snapshot snapshot, String source, RoutingConfig previous)
      throws ConfigException {
    return compile(ReceivedSnapshot.whole(snapshot), source, previous);
  }

  /**
   * Compiles {@code snapshot} as received: when it came as parts, its resources are taken one
   * by one (the whole JSON text is not parsed to split them again).
   *
   * @param source where it came from, for {@code /config_dump}
   * @param previous the running configuration, or null
   */
  public RoutingConfig compile(ReceivedSnapshot snapshot, String source, RoutingConfig previous)
      throws ConfigException {
    String origin = "snapshot revision " + snapshot.revision();
    LoadResult result = snapshot.resources() == null
        ? bound.load(origin + ".json", snapshot.resourcesJson())
        : bound.load(origin + ".json", snapshot.resources());
    if (!result.ok()) {
      StringBuilder message = new StringBuilder(origin + " is invalid:");
      result.problems().forEach(p -> message.append("\n  ").append(p));
      throw new ConfigException(message.toString());
    }
    String served = snapshot.header().getGatewayName().isEmpty() ? gatewayName
        : snapshot.header().getGatewayName();
    return compiler.compile(result.bundle(), served, source,
        "r" + snapshot.revision() + "-" + snapshot.hash(), snapshot.resourcesJson(), previous);
  }
}
