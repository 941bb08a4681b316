package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.ResourceKinds;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks what every resource has: its API version, its name and namespace, and uniqueness. */
final class MetadataRules {


  private MetadataRules() {}

  /** The API versions accepted for a kind. */
  static List<String> apiVersionsOf(Resource resource) {
    return ResourceKinds.apiVersionsOf(resource.kind());
  }

  private static boolean isIstio(String apiVersion) {
    return apiVersion != null && apiVersion.contains("istio.io/");
  }

  static void check(PolicyBundle bundle, ProblemList problems) {
    Map<String, Resource> seen = new HashMap<>();
    for (Resource resource : bundle.resources()) {
      List<String> versions = apiVersionsOf(resource);
      if (resource.apiVersion() == null || !versions.contains(resource.apiVersion())) {
        problems.expected(
            resource,
            "apiVersion",
            resource.apiVersion(),
            String.join(" or ", versions)
                + " for "
                + resource.kind()
                + (isIstio(resource.apiVersion())
                    ? "; Istio's API group is not accepted: use "
                        + ResourceKinds.CROSSGATE_V1ALPHA1
                    : ""));
      }
      ObjectMeta metadata = resource.metadata();
      if (metadata == null) {
        problems.expected(resource, "metadata", null, "a mapping with at least a name");
        continue;
      }
      if (!NameSyntax.isDnsSubdomain(metadata.name())) {
        problems.expected(
            resource,
            "metadata.name",
            metadata.name(),
            "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters,"
                + " starting and ending with a letter or digit");
      }
      if (!NameSyntax.isDnsLabel(metadata.namespace())) {
        problems.expected(
            resource,
            "metadata.namespace",
            metadata.namespace(),
            "a DNS-1123 label: lowercase letters, digits and '-', at most 63 characters,"
                + " starting and ending with a letter or digit");
      }
      if (metadata.name() == null) {
        continue;
      }
      String key = resource.kind() + " " + metadata.qualifiedName();
      Resource first = seen.putIfAbsent(key, resource);
      if (first != null) {
        String where = problems.locate(first, "metadata.name");
        problems.add(
            resource,
            "metadata.name",
            "duplicate "
                + key
                + " (expected: a unique name per kind and namespace; first defined "
                + (where == null ? "earlier in this bundle" : "at " + where)
                + ")");
      }
    }
  }
}
