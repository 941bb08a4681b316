package dev.crossgate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;

/** How the API commands print what they read: a table for people, YAML or JSON for tools. */
enum OutputFormat {
  table, yaml, json;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Prints {@code value} as pretty JSON, or as YAML; a JSON array of resources becomes a
   * multi-document YAML stream that {@code crossgate apply -f -} reads back.
   */
  void print(JsonNode value, PrintWriter out) {
    if (this == yaml) {
      if (value.isArray()) {
        value.forEach(item -> out.print("---\n" + ChangeRenderer.yaml(item)));
      } else {
        out.print(ChangeRenderer.yaml(value));
      }
      return;
    }
    try {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
