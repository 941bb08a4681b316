package dev.crossgate.policy.model;

/**
 * A policy resource: one YAML document with {@code apiVersion}, {@code kind}, {@code metadata}
 * and {@code spec}.
 */
public sealed interface Resource
    permits Gateway,
        HttpRoute,
        GrpcRoute,
        TcpRoute,
        Service,
        RequestAuthentication,
        Role,
        RoleBinding,
        AuthorizationPolicy,
        RateLimitPolicy,
        WafPolicy,
        MeshMigration {

  /** The API group and version this resource was written against. */
  String apiVersion();

  /** The resource metadata. */
  ObjectMeta metadata();

  /** The kind, as written in YAML ({@code HTTPRoute}, {@code Service}, …). */
  String kind();

  /** A short reference for messages, e.g. {@code HTTPRoute shop/users}. */
  default String ref() {
    return kind() + " " + metadata().qualifiedName();
  }
}
