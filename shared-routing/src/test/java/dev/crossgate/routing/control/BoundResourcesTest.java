package dev.crossgate.routing.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.codec.PolicyCodec;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.validation.ValidationOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundResourcesTest {

  private static final String BASE = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge}
      spec:
        listeners: [{name: http, port: 8080, protocol: HTTP}]
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: Service
      metadata: {name: app}
      spec:
        endpoints: [{address: 127.0.0.1, port: 9000}]
      """;

  private static String route(String name, String path, String backend) {
    return """
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - matches: [{path: {type: PathPrefix, value: %s}}]
              backendRefs: [{name: %s}]
        """.formatted(name, path, backend);
  }

  /** A snapshot's JSON, as the engine sends it. */
  private static String snapshot(String yaml) {
    return PolicyCodec.toJson(PolicyLoader.loadString("t.yaml", yaml).bundleOrThrow());
  }

  private final BoundResources bound = new BoundResources(ValidationOptions.DEFAULTS);

  @Test
  void reusesUnchangedResourcesAndGivesWhatAFullLoadGives() {
    String first = snapshot(BASE + route("a", "/a/", "app") + route("b", "/b/", "app"));
    List<Resource> before = bound.load("s1.json", first).bundleOrThrow().resources();

    String second = snapshot(BASE + route("a", "/a/", "app") + route("b", "/bee/", "app"));
    LoadResult result = bound.load("s2.json", second);

    List<Resource> full = PolicyLoader.loadString("s2.json", second).bundleOrThrow().resources();
    assertThat(result.bundleOrThrow().resources()).isEqualTo(full);
    // The unchanged route is the very object bound for the first snapshot; the changed one is new.
    assertThat(result.bundleOrThrow().resources().get(2)).isSameAs(before.get(2));
    assertThat(result.bundleOrThrow().resources().get(3)).isNotSameAs(before.get(3));
  }

  @Test
  void stillValidatesTheWholeBundleWhenOnlyOneResourceChanged() {
    bound.load("s1.json", snapshot(BASE + route("a", "/a/", "app")));
    // A new route to a missing service is refused, although the rest was not bound again.
    String bad = PolicyCodec.toJson(PolicyLoader.loadString("t.yaml",
        BASE + route("a", "/a/", "app")).bundleOrThrow()).replaceFirst("]$", ","
        + "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
        + "\"metadata\":{\"name\":\"c\"},\"spec\":{\"parentRefs\":[{\"name\":\"edge\"}],"
        + "\"rules\":[{\"backendRefs\":[{\"name\":\"missing\"}]}]}}]");
    LoadResult result = bound.load("s2.json", bad);
    assertThat(result.ok()).isFalse();
    assertThat(result.problems()).anySatisfy(p -> assertThat(p.toString()).contains("missing"));
    // And the cache still holds the last good snapshot's resources.
    String good = snapshot(BASE + route("a", "/a/", "app"));
    assertThat(bound.load("s3.json", good).ok()).isTrue();
  }

  @Test
  void notAnArrayIsReportedByTheFullLoader() {
    LoadResult result = bound.load("s.json", "{\"kind\": ");
    assertThat(result.ok()).isFalse();
    assertThat(result.problems()).isEqualTo(
        PolicyLoader.loadString("s.json", "{\"kind\": ").problems());
  }

  @Test
  void elementsAreTheObjectsTextsAsWrittenAndAnythingElseIsNull() {
    String json = "[ {\"a\": [1, {\"b\": \"]},[\"}]} ,\n{\"c\":{}}]";
    org.assertj.core.api.Assertions.assertThat(BoundResources.elements(json))
        .containsExactly("{\"a\": [1, {\"b\": \"]},[\"}]}", "{\"c\":{}}");
    org.assertj.core.api.Assertions.assertThat(BoundResources.elements("[]")).isEmpty();
    org.assertj.core.api.Assertions.assertThat(BoundResources.elements("[{}] x")).isNull();
    org.assertj.core.api.Assertions.assertThat(BoundResources.elements("[{},1]")).isNull();
    org.assertj.core.api.Assertions.assertThat(BoundResources.elements("{}")).isNull();
    org.assertj.core.api.Assertions.assertThat(BoundResources.elements("[{")).isNull();
  }

  @Test
  void resourcesGivenOneByOneLoadAsTheirJoinedArrayDoes() {
    String first = snapshot(BASE + route("a", "/a/", "app") + route("b", "/b/", "app"));
    String second = snapshot(BASE + route("a", "/a/", "app") + route("b", "/bee/", "app"));
    BoundResources byText = new BoundResources(ValidationOptions.DEFAULTS);
    BoundResources byParts = new BoundResources(ValidationOptions.DEFAULTS);
    for (String json : List.of(first, second)) {
      List<Resource> expected = byText.load("s.json", json).bundleOrThrow().resources();
      assertThat(byParts.load("s.json", BoundResources.elements(json)).bundleOrThrow()
          .resources()).isEqualTo(expected);
    }
    // A bad change given as parts is refused with the full loader's problems.
    String conflicting = snapshot(BASE + route("a", "/a/", "app") + route("b", "/bee/", "app"))
        .replace("/bee/", "/a/");
    LoadResult text = byText.load("s.json", conflicting);
    LoadResult parts = byParts.load("s.json", BoundResources.elements(conflicting));
    assertThat(text.ok()).isFalse();
    assertThat(parts.problems()).isEqualTo(text.problems());
  }
}
