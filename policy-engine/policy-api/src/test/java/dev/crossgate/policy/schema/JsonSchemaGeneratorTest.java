package dev.crossgate.policy.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.crossgate.policy.model.ResourceKinds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class JsonSchemaGeneratorTest {

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final YAMLMapper YAML = new YAMLMapper();

  private static Set<ValidationMessage> validate(JsonNode document) {
    String kind = document.path("kind").asText();
    ObjectNode schema = JsonSchemaGenerator.schemaFor(kind).orElseThrow();
    JsonSchema compiled = FACTORY.getSchema(schema);
    return compiled.validate(document);
  }

  private static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode node = it.next();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          documents.add(node);
        }
      }
    }
    return documents;
  }

  @Test
  void everyKindHasASchema() {
    assertThat(JsonSchemaGenerator.allSchemas().keySet())
        .containsExactlyElementsOf(ResourceKinds.ALL.keySet());
    for (String kind : ResourceKinds.ALL.keySet()) {
      ObjectNode schema = JsonSchemaGenerator.schemaFor(kind).orElseThrow();
      assertThat(schema.path("$schema").asText()).isEqualTo(JsonSchemaGenerator.DIALECT);
      assertThat(schema.path("properties").path("kind").path("const").asText()).isEqualTo(kind);
      assertThat(schema.path("properties").path("spec").path("additionalProperties").asBoolean(true))
          .as(kind)
          .isFalse();
    }
    assertThat(JsonSchemaGenerator.schemaFor("Nope")).isEmpty();
  }

  @Test
  void everyExampleValidatesAgainstItsSchema() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of("../../config-examples"))) {
      files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThan(10);
    int checked = 0;
    for (Path file : files) {
      for (JsonNode document : documents(Files.readString(file))) {
        assertThat(validate(document)).as(file + " " + document.path("kind")).isEmpty();
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(40);
  }

  @Test
  void unknownFieldsAndUnknownValuesAreRejected() throws IOException {
    JsonNode misspelt =
        documents(
                """
                apiVersion: crossgate.dev/v1alpha1
                kind: RateLimitPolicy
                metadata: {name: limits}
                spec:
                  targetRefs: [{kind: HTTPRoute, name: search}]
                  limits:
                    - name: per-client
                      key: {type: ClientAddress}
                      requests: 10
                      unit: Minute
                      brust: 5
                """)
            .get(0);
    assertThat(validate(misspelt))
        .extracting(ValidationMessage::getMessage)
        .singleElement()
        .asString()
        .contains("brust");

    JsonNode badEnum =
        documents(
                """
                apiVersion: crossgate.dev/v1alpha1
                kind: MeshMigration
                metadata: {name: reviews}
                spec:
                  service: {name: reviews}
                  stage: enforcing
                  meshWeight: "25"
                """)
            .get(0);
    assertThat(validate(badEnum))
        .extracting(ValidationMessage::getInstanceLocation)
        .extracting(Object::toString)
        .containsExactlyInAnyOrder("$.spec.stage", "$.spec.meshWeight");

    JsonNode badDuration =
        documents(
                """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  rules:
                    - timeouts: {request: 10 seconds}
                """)
            .get(0);
    assertThat(validate(badDuration))
        .extracting(m -> m.getInstanceLocation().toString())
        .containsExactly("$.spec.rules[0].timeouts.request");
  }
}
