package dev.crossgate.policy.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Kubernetes-style object metadata: the name, namespace and labels every resource carries.
 *
 * @param name the resource name, unique per kind and namespace
 * @param namespace the namespace; {@code default} when omitted
 * @param labels free-form labels used for selection
 * @param annotations free-form annotations
 * @param creationTimestamp when the resource was created; breaks route precedence ties (older wins)
 */
public record ObjectMeta(
    String name,
    String namespace,
    Map<String, String> labels,
    Map<String, String> annotations,
    Instant creationTimestamp) {

  /** The namespace used when a resource names none. */
  public static final String DEFAULT_NAMESPACE = "default";

  public ObjectMeta {
    namespace = Objects.requireNonNullElse(namespace, DEFAULT_NAMESPACE);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /** Metadata with only a name and namespace. */
  public static ObjectMeta of(String namespace, String name) {
    return new ObjectMeta(name, namespace, Map.of(), Map.of(), null);
  }

  /** {@code namespace/name}, the form used in messages and as a map key. */
  public String qualifiedName() {
    return namespace + "/" + name;
  }
}
