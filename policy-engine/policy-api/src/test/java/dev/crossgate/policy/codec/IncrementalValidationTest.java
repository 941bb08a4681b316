package dev.crossgate.policy.codec;

import static dev.crossgate.policy.codec.PolicyTexts.GATEWAY_AND_SERVICES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.validation.PolicyValidator;
import dev.crossgate.policy.validation.SourceLocator;
import dev.crossgate.policy.validation.ValidationOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Validating only a change ({@link PolicyLoader#loadChange}, {@link PolicyValidator#validateChange})
 * gives exactly what validating the whole bundle gives, for changes to unchanged resources'
 * references and conflicts too.
 */
class IncrementalValidationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ValidationOptions OPTIONS = ValidationOptions.ALL_LISTENER_PROTOCOLS;

  private static final String BASE =
      GATEWAY_AND_SERVICES
          + route("a", "[a.example.com]", "/a")
          + route("b", "[b.example.com]", "/b")
          + route("c", "[a.example.com, c.example.com]", "/c")
          + """
          ---
          apiVersion: crossgate.dev/v1alpha1
          kind: AuthorizationPolicy
          metadata: {name: only-admins, namespace: shop}
          spec:
            targetRefs: [{kind: HTTPRoute, name: b}]
            action: DENY
            rules: [{to: [{operation: {paths: [/b/admin]}}]}]
          ---
          apiVersion: crossgate.dev/v1alpha1
          kind: Role
          metadata: {name: reader, namespace: shop}
          spec:
            rules: [{methods: [GET]}]
          ---
          apiVersion: crossgate.dev/v1alpha1
          kind: RoleBinding
          metadata: {name: readers, namespace: shop}
          spec:
            roleRef: {name: reader}
            subjects: [{kind: User, name: alice}]
            targetRefs: [{kind: HTTPRoute, name: a}]
          """;

  private static String route(String name, String hostnames, String path) {
    return """
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s, namespace: shop}
        spec:
          parentRefs: [{name: edge}]
          hostnames: %s
          rules:
            - matches: [{path: {type: PathPrefix, value: %s}}]
              backendRefs: [{name: users}]
        """
        .formatted(name, hostnames, path);
  }

  private static List<Resource> base() {
    LoadResult result = PolicyLoader.loadString("base.yaml", BASE, OPTIONS);
    assertThat(result.problems()).isEmpty();
    return result.bundle().resources();
  }

  private static List<Resource> without(List<Resource> resources, String ref) {
    return resources.stream().filter(r -> !r.ref().equals(ref)).toList();
  }

  /** Loads {@code text} over {@code context} both ways and checks they agree; returns the problems. */
  private static List<String> change(String text, List<Resource> context, Set<String> replaced) {
    List<ConfigProblem> full = PolicyLoader.loadString("change.yaml", text, OPTIONS, context).problems();
    List<ConfigProblem> incremental =
        PolicyLoader.loadChange("change.yaml", text, OPTIONS, context, replaced).problems();
    assertThat(incremental).isEqualTo(full);
    return incremental.stream().map(ConfigProblem::toString).toList();
  }

  /** Deletes {@code ref} from the base both ways and checks they agree; returns the problems. */
  private static List<String> delete(List<Resource> resources, String ref) {
    PolicyBundle after = new PolicyBundle(without(resources, ref));
    List<ConfigProblem> full = PolicyValidator.validate(after, SourceLocator.NONE, OPTIONS);
    List<ConfigProblem> incremental =
        PolicyValidator.validateChange(after, List.of(), Set.of(ref), SourceLocator.NONE, OPTIONS);
    assertThat(incremental).isEqualTo(full);
    return incremental.stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void aChangedRouteThatNowConflictsWithAnUnchangedRouteIsRefused() {
    // The changed route comes first in the bundle, so the unchanged one is named as the later one.
    List<String> problems =
        change(route("b", "[A.example.com]", "/a"), without(base(), "HTTPRoute shop/b"),
            Set.of("HTTPRoute shop/b"));
    assertThat(problems)
        .containsExactly(
            "HTTPRoute shop/a: spec.rules[0].matches[0]: conflicts with HTTPRoute shop/b"
                + " spec.rules[0].matches[0] (change.yaml:9): both match PathPrefix /a for host"
                + " a.example.com (expected: matches that differ in hostname, path, method, headers"
                + " or query parameters on the same gateway)");
  }

  @Test
  void aNewRouteConflictingWithAnUnchangedRouteIsNamedOnTheLaterOne() {
    List<String> problems =
        change(route("d", "[a.example.com, c.example.com]", "/c"), base(), Set.of());
    assertThat(problems)
        .containsExactly(
            "HTTPRoute shop/c: spec.rules[0].matches[0]: conflicts with HTTPRoute shop/d"
                + " spec.rules[0].matches[0] (change.yaml:9): both match PathPrefix /c for host"
                + " a.example.com, c.example.com (expected: matches that differ in hostname, path,"
                + " method, headers or query parameters on the same gateway)");
  }

  @Test
  void aValidChangeHasNoProblems() {
    assertThat(change(route("b", "[b.example.com]", "/b2"), without(base(), "HTTPRoute shop/b"),
        Set.of("HTTPRoute shop/b"))).isEmpty();
  }

  @Test
  void deletingARouteAPolicyTargetsIsRefusedOnThePolicy() {
    assertThat(delete(base(), "HTTPRoute shop/b"))
        .containsExactly(
            "AuthorizationPolicy shop/only-admins: spec.targetRefs[0].name: b (expected: an"
                + " existing HTTPRoute in namespace shop; known: a, c)");
  }

  @Test
  void deletingARoleABindingNamesIsRefusedOnTheBinding() {
    assertThat(delete(base(), "Role shop/reader"))
        .containsExactly(
            "RoleBinding shop/readers: spec.roleRef.name: reader (expected: an existing Role in"
                + " namespace shop; known: none)");
  }

  @Test
  void deletingAServiceRoutesUseIsRefusedOnEveryRoute() {
    assertThat(delete(base(), "Service shop/users"))
        .hasSize(3)
        .allMatch(p -> p.contains("backendRefs[0].name: users (expected: an existing Service"));
  }

  @Test
  void renamingARouteAPolicyTargetsIsRefused() {
    List<String> problems =
        change(route("b2", "[b.example.com]", "/b"), without(base(), "HTTPRoute shop/b"),
            Set.of("HTTPRoute shop/b"));
    assertThat(problems)
        .containsExactly(
            "AuthorizationPolicy shop/only-admins: spec.targetRefs[0].name: b (expected: an"
                + " existing HTTPRoute in namespace shop; known: a, b2, c)");
  }

  /**
   * Over every config example: deleting each resource, and replacing each resource by a copy of
   * every other resource of its kind under its name, gives the same problems both ways.
   */
  @Test
  void everyExampleAgreesForEveryDeletionAndReplacement() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String folder : List.of("", "migration", "tcp", "tls", "waf")) {
      try (Stream<Path> list = Files.list(Path.of("../../config-examples").resolve(folder))) {
        list.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
      }
    }
    int compared = 0;
    int refused = 0;
    for (Path file : files) {
      LoadResult loaded = PolicyLoader.loadPaths(List.of(file), OPTIONS);
      if (!loaded.ok()) {
        continue; // the migration steps build on each other; the first is whole on its own
      }
      List<Resource> resources = loaded.bundle().resources();
      for (Resource resource : resources) {
        refused += delete(resources, resource.ref()).isEmpty() ? 0 : 1;
        compared++;
        for (Resource other : resources) {
          if (other.kind().equals(resource.kind())) {
            ObjectNode copy = (ObjectNode) JSON.readTree(PolicyCodec.toJson(other));
            copy.withObjectProperty("metadata").put("name", resource.metadata().name())
                .put("namespace", resource.metadata().namespace());
            List<String> problems = change(copy.toString(), without(resources, resource.ref()),
                Set.of(resource.ref()));
            refused += problems.isEmpty() ? 0 : 1;
            compared++;
          }
        }
      }
    }
    assertThat(compared).isGreaterThan(100);
    assertThat(refused).as("changes that make a bundle invalid").isGreaterThan(10);
  }
}
