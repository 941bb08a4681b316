package dev.crossgate.policy.codec;

import static dev.crossgate.policy.codec.PolicyTexts.GATEWAY_AND_SERVICES;
import static dev.crossgate.policy.codec.PolicyTexts.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyntaxProblemsTest {

  @Test
  void malformedYamlNamesLineColumnAndReason() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: users
            namespace: shop
        """;
    assertThat(problemsOf(yaml))
        .containsExactly(
            "routes.yaml:5: invalid YAML (line 5, column 14): mapping values are not allowed here");
  }

  @Test
  void syntaxErrorInOneDocumentDoesNotHideProblemsInTheNext() {
    String yaml =
        """
        kind: [unclosed
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Servce
        metadata:
          name: users
        """;
    assertThat(problemsOf(yaml))
        .hasSize(2)
        .element(1)
        .isEqualTo(
            "routes.yaml:4: Servce default/users: kind: Servce (expected: one of "
                + BindingProblemsTest.KINDS
                + "; did you mean `Service`?)");
    assertThat(problemsOf(yaml).get(0)).startsWith("routes.yaml:2: invalid YAML (line 2, column 1): ");
  }

  @Test
  void malformedJsonNamesLineColumnAndReason() {
    String json = "{\n  \"apiVersion\": \"crossgate.dev/v1alpha1\",\n  \"kind\": \"Service\"\n  \"metadata\": {}\n}";
    assertThat(problemsOf(json))
        .singleElement()
        .asString()
        .isEqualTo(
            "routes.yaml:4: invalid JSON (line 4, column 3): Unexpected character ('\"' (code 34)):"
                + " was expecting comma to separate Object entries");
  }

  @Test
  void emptyDocumentsAndCommentsAreSkipped() {
    String yaml = "# only a comment\n---\n---\n\n---\n" + GATEWAY_AND_SERVICES + "---\n";
    LoadResult result = PolicyLoader.loadString("routes.yaml", yaml);
    assertThat(result.problems()).isEmpty();
    assertThat(result.bundle().resources()).hasSize(3);
  }

  @Test
  void documentThatIsNotAMappingIsAProblem() {
    assertThat(problemsOf("just a string\n---\n- a\n"))
        .containsExactly(
            "routes.yaml:1: \"just a string\" (expected: a mapping with apiVersion, kind, metadata"
                + " and spec)",
            "routes.yaml:3: \"a\" (expected: a mapping with apiVersion, kind, metadata and spec)");
  }

  @Test
  void duplicateFieldIsAProblem() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: users
          name: people
        spec:
          endpoints:
            - address: 127.0.0.1
              port: 9001
        """;
    assertThat(problemsOf(yaml))
        .containsExactly(
            "routes.yaml:5: metadata.name: duplicate field (expected: each field once per mapping;"
                + " first at line 4)");
  }
}
