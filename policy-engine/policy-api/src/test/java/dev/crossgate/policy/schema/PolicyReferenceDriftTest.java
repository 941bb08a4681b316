package dev.crossgate.policy.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.ResourceKinds;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/policy-reference.md names every kind and every top-level spec field of the model. */
class PolicyReferenceDriftTest {

  @Test
  void everyKindAndTopLevelSpecFieldIsDocumented() throws IOException {
    String page = Files.readString(Path.of("../../docs/policy-reference.md"));
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, Class<? extends Resource>> kind : ResourceKinds.ALL.entrySet()) {
      if (!page.contains("\n## " + kind.getKey() + "\n")) {
        missing.add("## " + kind.getKey());
      }
      for (RecordComponent component : specOf(kind.getValue()).getRecordComponents()) {
        String field = "`spec." + component.getName() + "`";
        String section = section(page, kind.getKey());
        if (!section.contains(field)) {
          missing.add(kind.getKey() + " " + field);
        }
      }
    }
    assertThat(missing).as("missing from docs/policy-reference.md").isEmpty();
  }

  private static Class<?> specOf(Class<? extends Resource> kind) {
    for (RecordComponent component : kind.getRecordComponents()) {
      if (component.getName().equals("spec")) {
        return component.getType();
      }
    }
    throw new AssertionError(kind + " has no spec");
  }

  private static String section(String page, String kind) {
    int start = page.indexOf("\n## " + kind + "\n");
    if (start < 0) {
      return "";
    }
    int end = page.indexOf("\n## ", start + 1);
    return end < 0 ? page.substring(start) : page.substring(start, end);
  }
}
