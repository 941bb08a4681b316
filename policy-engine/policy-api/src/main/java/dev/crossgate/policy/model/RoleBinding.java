package dev.crossgate.policy.model;

import java.util.List;

/**
 * A {@code RoleBinding}: grants a {@link Role} of the same namespace to subjects, on targets.
 *
 * @param apiVersion the API version
 * @param metadata the metadata
 * @param spec the role, subjects and targets
 */
public record RoleBinding(
    @Doc("The API version.") String apiVersion,
    @Doc("The metadata.") ObjectMeta metadata,
    @Doc("The role, subjects and targets.") Spec spec)
    implements Resource {

  /** The kind name as written in YAML. */
  public static final String KIND = "RoleBinding";

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * The specification.
   *
   * @param roleRef the Role granted, in the same namespace
   * @param subjects who is granted the role
   * @param targetRefs where the grant applies: Gateway, HTTPRoute, GRPCRoute or Service
   */
  public record Spec(
      @Doc("The Role granted, in the same namespace.") RoleRef roleRef,
      @Doc("Who is granted the role.") List<Subject> subjects,
      @Doc("Where the grant applies: Gateway, HTTPRoute, GRPCRoute or Service.")
          List<TargetRef> targetRefs) {
    public Spec {
      subjects = subjects == null ? List.of() : List.copyOf(subjects);
      targetRefs = targetRefs == null ? List.of() : List.copyOf(targetRefs);
    }
  }

  /**
   * A reference to a role.
   *
   * @param name the Role name
   */
  public record RoleRef(@Doc("The Role name.") String name) {}

  /**
   * A subject: a JWT subject, a JWT group/role claim value, or a mesh principal.
   *
   * @param kind user: the JWT sub; Group: a value of a JWT claim; Principal: a mesh identity (SPIFFE id)
   * @param name the subject, group value or principal
   * @param claim for Group: the claim holding the groups; default groups
   */
  public record Subject(
      @Doc(
              value = "User: the JWT sub; Group: a value of a JWT claim; Principal: a mesh identity (SPIFFE id).",
              allowed = {"User", "Group", "Principal"})
          String kind,
      @Doc("The subject, group value or principal.") String name,
      @Doc(value = "For Group: the claim holding the groups.", defaultValue = "groups")
          String claim) {}
}
