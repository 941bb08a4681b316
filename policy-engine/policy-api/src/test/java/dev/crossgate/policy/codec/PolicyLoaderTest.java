package dev.crossgate.policy.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Service;
import dev.crossgate.policy.model.TcpRoute;
import dev.crossgate.policy.validation.ValidationOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {

  private static final Path EXAMPLES = Path.of("../../config-examples");

  @Test
  void everyConfigExampleLoadsWithoutProblems() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(EXAMPLES)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).as("config-examples must not be empty").isNotEmpty();
    for (Path file : files) {
      LoadResult result = PolicyLoader.loadPaths(List.of(file));
      assertThat(result.problems()).as(file.toString()).isEmpty();
      assertThat(result.bundle().ofKind(Gateway.class)).as(file.toString()).hasSize(1);
      assertThat(result.bundle().ofKind(HttpRoute.class)).as(file.toString()).isNotEmpty();
    }
  }

  @Test
  void tcpExampleLoadsOnlyWithTcpListenersEnabled() {
    Path file = EXAMPLES.resolve("tcp/tcp-route.yaml");
    LoadResult enabled =
        PolicyLoader.loadPaths(
            List.of(file), ValidationOptions.DEFAULTS.withListenerProtocols("HTTP", "TCP"));
    assertThat(enabled.problems()).isEmpty();
    assertThat(enabled.bundle().ofKind(TcpRoute.class)).hasSize(1);

    assertThat(PolicyLoader.loadPaths(List.of(file)).problems())
        .extracting(ConfigProblem::toString)
        .containsExactly(
            file + ":18: Gateway default/edge: spec.listeners[1].protocol: TCP (expected: HTTP;"
                + " HTTPS and TCP are not supported yet)");
  }

  @Test
  void multiDocumentFileBindsEveryField() {
    LoadResult result = PolicyLoader.loadPaths(List.of(EXAMPLES.resolve("weighted-backends.yaml")));
    PolicyBundle bundle = result.bundleOrThrow();
    assertThat(bundle.resources()).extracting(r -> r.ref())
        .containsExactly(
            "Gateway default/edge",
            "Service default/checkout-stable",
            "Service default/checkout-canary",
            "HTTPRoute default/checkout");
    HttpRoute route = bundle.ofKind(HttpRoute.class).get(0);
    assertThat(route.spec().rules().get(0).backendRefs())
        .containsExactly(
            new HttpRoute.BackendRef("checkout-stable", null, null, 95),
            new HttpRoute.BackendRef("checkout-canary", null, null, 5));
    assertThat(bundle.service("default", "checkout-stable").orElseThrow().spec().endpoints())
        .containsExactly(
            new Service.Endpoint("127.0.0.1", 9001), new Service.Endpoint("127.0.0.1", 9002));
  }

  @Test
  void foldersAreWalkedRecursivelyInPathOrderAndOtherFilesIgnored(@TempDir Path dir)
      throws IOException {
    Files.createDirectories(dir.resolve("b"));
    Files.writeString(dir.resolve("a.yaml"), gateway("one"));
    Files.writeString(dir.resolve("b/c.yml"), gateway("two"));
    Files.writeString(
        dir.resolve("d.json"),
        "[" + PolicyCodec.toJson(PolicyLoader.loadString("x", gateway("three")).bundleOrThrow())
            .substring(1));
    Files.writeString(dir.resolve("notes.txt"), "not: policy: at all");
    Files.writeString(dir.resolve(".hidden.yaml"), "broken: [");

    LoadResult result = PolicyLoader.loadPaths(List.of(dir));

    assertThat(result.problems()).isEmpty();
    assertThat(result.bundle().resources())
        .extracting(r -> r.metadata().name())
        .containsExactly("one", "two", "three");
  }

  @Test
  void missingPathsAndEmptyFoldersAreProblems(@TempDir Path dir) throws IOException {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    Path missing = dir.resolve("missing.yaml");

    LoadResult result = PolicyLoader.loadPaths(List.of(missing, empty));

    assertThat(result.ok()).isFalse();
    assertThat(result.bundle()).isNull();
    assertThat(result.problems())
        .extracting(ConfigProblem::toString)
        .containsExactly(
            empty + ": no policy files (expected: *.yaml, *.yml or *.json files)",
            missing + ": not found (expected: a policy file or folder)");
  }

  @Test
  void problemsFromSeveralFilesAreSortedBySourceAndLine(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("b.yaml"), gateway("b").replace("port: 8080", "port: 0"));
    Files.writeString(dir.resolve("a.yaml"), gateway("a").replace("protocol: HTTP", "protocol: TCP"));

    LoadResult result = PolicyLoader.loadPaths(List.of(dir));

    assertThat(result.problems())
        .extracting(ConfigProblem::toString)
        .containsExactly(
            dir.resolve("a.yaml") + ":9: Gateway default/a: spec.listeners[0].protocol: TCP (expected:"
                + " HTTP; HTTPS and TCP are not supported yet)",
            dir.resolve("b.yaml") + ":8: Gateway default/b: spec.listeners[0].port: 0 (expected:"
                + " 1..65535)");
    assertThat(result.problems()).extracting(ConfigProblem::line).containsExactly(9, 8);
  }

  @Test
  void jsonTextIsAccepted() {
    String json =
        """
        {"apiVersion": "crossgate.dev/v1alpha1", "kind": "Service",
         "metadata": {"name": "users"},
         "spec": {"endpoints": [{"address": "127.0.0.1", "port": "9001"}]}}
        """;
    assertThat(PolicyLoader.loadString("api", json).problems())
        .extracting(ConfigProblem::toString)
        .containsExactly(
            "api:3: Service default/users: spec.endpoints[0].port: \"9001\" (expected: an"
                + " integer)");
    assertThat(PolicyLoader.loadString("api", json.replace("\"9001\"", "9001")).ok()).isTrue();
  }

  @Test
  void bundleOrThrowListsEveryProblem() {
    LoadResult result = PolicyLoader.loadString("x.yaml", "kind: Nope\n---\n- 1\n");
    assertThat(result.problems()).hasSize(2);
    assertThatThrownBy(result::bundleOrThrow)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "2 configuration problem(s):\n"
                + "x.yaml:1: kind: Nope (expected: one of "
                + BindingProblemsTest.KINDS
                + ")\n"
                + "x.yaml:3: 1 (expected: a mapping with apiVersion, kind, metadata and spec)");
  }

  @Test
  void garbageNeverThrows() {
    List<String> inputs =
        List.of("", "\u0000\u0001", "{", "[[[[", "- - -", "a: &x [*x]", "!!binary AAAA",
            "kind: HTTPRoute\nspec: {rules: [null, {matches: [null], filters: [null],"
                + " backendRefs: [null]}], hostnames: [null], parentRefs: [null]}",
            "kind: Service\nspec: {endpoints: [null], loadBalancer: {consistentHash: {}}}",
            "kind: Gateway\nmetadata: 3\nspec: {listeners: [null, {}]}");
    for (String input : inputs) {
      LoadResult result = PolicyLoader.loadString("fuzz.yaml", input);
      assertThat(result.problems())
          .as(input)
          .noneMatch(p -> p.message().startsWith("internal error"));
    }
  }

  private static String gateway(String name) {
    return """
        apiVersion: crossgate.dev/v1alpha1
        kind: Gateway
        metadata:
          name: %s
        spec:
          listeners:
            - name: http
              port: 8080
              protocol: HTTP
        """
        .formatted(name);
  }
}
