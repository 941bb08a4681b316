package dev.crossgate.policy.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * A {@code MeshMigration}: the switch that moves one service into the mesh a stage at a time.
 * One per service.
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the service, stage and mesh weight
 */
public record MeshMigration(
    @Doc("The API version.") String apiVersion,
    @Doc("The metadata.") ObjectMeta metadata,
    @Doc("The service, stage and mesh weight.") Spec spec)
    implements Resource {

  /** The kind name as written in YAML. */
  public static final String KIND = "MeshMigration";

  @Override
  public String kind() {
    return KIND;
  }

  /** The stages, in order; constants are spelled as in YAML. */
  public enum Stage {
    /** Callers reach the service directly, in plaintext. */
    off,
    /** The sidecar is in the inbound path; authorization audits; nothing is refused. */
    observe,
    /** Mesh callers use mTLS; plaintext is still accepted and counted. */
    permissive,
    /** Authorization is enforced. */
    enforce,
    /** mTLS only. */
    strict;

    /** The stage named {@code name}, if any. */
    public static Optional<Stage> of(String name) {
      return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst();
    }

    /** Whether this stage is {@code other} or later. */
    public boolean atLeast(Stage other) {
      return compareTo(other) >= 0;
    }
  }

  /** The inbound mTLS mode a stage implies. */
  public enum MtlsMode {
    /** No sidecar in the path. */
    DISABLED,
    /** mTLS and plaintext accepted. */
    PERMISSIVE,
    /** mTLS only. */
    STRICT
  }

  /** What authorization does in a stage. */
  public enum AuthorizationMode {
    /** Not evaluated. */
    OFF,
    /** Evaluated and recorded, never refused. */
    AUDIT,
    /** Evaluated and enforced. */
    ENFORCE
  }

  /**
   * The specification.
   *
   * @param service the Service being migrated
   * @param stage the migration stage; default off
   * @param meshWeight share of callers' traffic sent through the mesh, 0..100; above 0 only from permissive on; 100 in strict; default 0 before permissive, 100 from permissive on
   */
  public record Spec(
      @Doc("The Service being migrated.") ServiceRef service,
      @Doc(value = "The migration stage.", defaultValue = "off",
              allowed = {"off", "observe", "permissive", "enforce", "strict"})
          String stage,
      @Doc(value = "Share of callers' traffic sent through the mesh, 0..100; above 0 only from permissive on; 100 in strict.",
              defaultValue = "0 before permissive, 100 from permissive on")
          Integer meshWeight) {}

  /**
   * The service a migration is for.
   *
   * @param name the Service name
   * @param namespace the Service namespace; the migration's own when omitted
   */
  public record ServiceRef(
      @Doc("The Service name.") String name,
      @Doc("The Service namespace; the migration's own when omitted.") String namespace) {}

  /** The stage, {@code off} when omitted; empty when the spelling is unknown. */
  public Optional<Stage> stage() {
    if (spec == null || spec.stage() == null) {
      return Optional.of(Stage.off);
    }
    return Stage.of(spec.stage());
  }

  /** The inbound mTLS mode: DISABLED at off, STRICT at strict, PERMISSIVE between. */
  public MtlsMode mtlsMode() {
    Stage stage = stage().orElse(Stage.off);
    return switch (stage) {
      case off -> MtlsMode.DISABLED;
      case strict -> MtlsMode.STRICT;
      default -> MtlsMode.PERMISSIVE;
    };
  }

  /** Authorization: OFF at off, AUDIT at observe and permissive, ENFORCE from enforce on. */
  public AuthorizationMode authorizationMode() {
    Stage stage = stage().orElse(Stage.off);
    if (stage == Stage.off) {
      return AuthorizationMode.OFF;
    }
    return stage.atLeast(Stage.enforce) ? AuthorizationMode.ENFORCE : AuthorizationMode.AUDIT;
  }

  /** The mesh weight with its default: 0 before permissive, 100 from permissive on. */
  public int effectiveMeshWeight() {
    Stage stage = stage().orElse(Stage.off);
    if (spec != null && spec.meshWeight() != null) {
      return spec.meshWeight();
    }
    return stage.atLeast(Stage.permissive) ? 100 : 0;
  }

  /** The namespace of the migrated service: its own, else the migration's. */
  public String serviceNamespace() {
    if (spec != null && spec.service() != null && spec.service().namespace() != null) {
      return spec.service().namespace();
    }
    return metadata == null ? ObjectMeta.DEFAULT_NAMESPACE : metadata.namespace();
  }
}
