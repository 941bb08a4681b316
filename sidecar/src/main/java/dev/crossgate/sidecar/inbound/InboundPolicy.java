package dev.crossgate.sidecar.inbound;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.model.MeshMigration.AuthorizationMode;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.routing.authz.AuthorizationCompiler;
import dev.crossgate.routing.authz.AuthorizationEngine;
import dev.crossgate.routing.authz.PolicyTarget;
import dev.crossgate.sidecar.proxy.MtlsMode;
import java.util.List;

/**
 * What the inbound port of one service does, compiled from a snapshot: the service's
 * {@code MeshMigration} stage, the mTLS mode it implies, and the authorization engine of the
 * policies and RoleBindings that target the service, with the mode it runs in. Immutable; a new
 * snapshot makes a new one, which applies to requests from then on.
 *
 * <p>Without a MeshMigration for the service the mTLS mode is the sidecar's {@code --mtls-mode}
 * ({@link #mtlsMode()} is null) and authorization is enforced; before the first snapshot
 * ({@link #NONE}) nothing is known, so nothing is evaluated.
 *
 * @param revision the snapshot revision, 0 for none
 * @param stage the service's migration stage, or null when it has no MeshMigration
 * @param mtlsMode the mode the stage implies, or null to use the sidecar's default
 * @param authorization what authorization does: OFF, AUDIT (record would-deny, let through) or
 *     ENFORCE (answer 403)
 * @param engine the service's authorization engine
 */
public record InboundPolicy(long revision, MeshMigration.Stage stage, MtlsMode mtlsMode,
    AuthorizationMode authorization, AuthorizationEngine engine) {

  /** Before the first snapshot: the default mTLS mode, no authorization. */
  public static final InboundPolicy NONE = new InboundPolicy(0, null, null, AuthorizationMode.OFF,
      new AuthorizationEngine(List.of(), false));

  public InboundPolicy {
    requireNonNull(authorization, "authorization");
    requireNonNull(engine, "engine");
  }

  /**
   * Validates {@code snapshot} and compiles the inbound policy of {@code namespace/service}.
   *
   * @throws IllegalArgumentException with every problem when the snapshot does not validate
   */
  public static InboundPolicy of(Snapshot snapshot, String namespace, String service) {
    String source = "snapshot revision " + snapshot.getRevision() + ".json";
    LoadResult result = PolicyLoader.loadString(source, snapshot.getResourcesJson());
    if (!result.ok()) {
      StringBuilder message = new StringBuilder(source + " is invalid:");
      result.problems().forEach(p -> message.append("\n  ").append(p));
      throw new IllegalArgumentException(message.toString());
    }
    return of(snapshot.getRevision(), result.bundle(), namespace, service);
  }

  /** The inbound policy of {@code namespace/service} in a validated bundle. */
  public static InboundPolicy of(long revision, PolicyBundle bundle, String namespace,
      String service) {
    AuthorizationEngine engine = new AuthorizationCompiler(bundle)
        .engineFor(PolicyTarget.service(namespace, service));
    for (MeshMigration migration : bundle.ofKind(MeshMigration.class)) {
      if (migration.spec() != null && migration.spec().service() != null
          && service.equals(migration.spec().service().name())
          && namespace.equals(migration.serviceNamespace())) {
        MeshMigration.Stage stage = migration.stage().orElse(MeshMigration.Stage.off);
        MtlsMode mode = migration.mtlsMode() == MeshMigration.MtlsMode.STRICT
            ? MtlsMode.STRICT : MtlsMode.PERMISSIVE;
        return new InboundPolicy(revision, stage, mode, migration.authorizationMode(), engine);
      }
    }
    return new InboundPolicy(revision, null, null, AuthorizationMode.ENFORCE, engine);
  }

  /** The mode to run in: the stage's, else {@code fallback} (the sidecar's {@code --mtls-mode}). */
  public MtlsMode effectiveMode(MtlsMode fallback) {
    return mtlsMode == null ? fallback : mtlsMode;
  }

  /** The stage as reported ({@code ""} without a MeshMigration). */
  public String stageName() {
    return stage == null ? "" : stage.name();
  }
}
