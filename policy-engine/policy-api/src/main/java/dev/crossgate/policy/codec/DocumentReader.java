package dev.crossgate.policy.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML or JSON text into mapping documents, recording the line of every field, and turns
 * syntax errors into problems with line, column and the parser's reason.
 *
 * <p>YAML text is split at {@code ---} markers first, so a syntax error in one document does not
 * hide the documents after it. A top-level list is read as a list of documents (the shape of
 * {@link PolicyCodec#toJson}). Empty documents are skipped. Scalars follow the YAML 1.2 core
 * schema: only {@code true} and {@code false} are booleans, so {@code off} or {@code yes} stay text.
 */
final class DocumentReader {

  private static final YAMLFactory YAML = YAMLFactory.builder().build();
  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String source;
  private final String format;
  private final List<SourceDocument> documents = new ArrayList<>();
  private final List<ConfigProblem> problems = new ArrayList<>();

  private DocumentReader(String source, String format) {
    this.source = source;
    this.format = format;
  }

  /** The documents and syntax problems of one text. */
  record Result(List<SourceDocument> documents, List<ConfigProblem> problems) {}

  /** Reads {@code text}; JSON when {@code json}, otherwise YAML (multi-document). */
  static Result read(String source, String text, boolean json) {
    DocumentReader reader = new DocumentReader(source, json ? "JSON" : "YAML");
    if (json) {
      reader.parse(JSON, text, 0);
    } else {
      String[] lines = text.split("\n", -1);
      StringBuilder chunk = new StringBuilder();
      int chunkStart = 0;
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        if (isDocumentStart(line)) {
          reader.parse(YAML, chunk.toString(), chunkStart);
          chunk.setLength(0);
          chunkStart = i;
          chunk.append("   ").append(line.substring(3)).append('\n');
        } else {
          chunk.append(line).append('\n');
        }
      }
      reader.parse(YAML, chunk.toString(), chunkStart);
    }
    return new Result(List.copyOf(reader.documents), List.copyOf(reader.problems));
  }

  private static boolean isDocumentStart(String line) {
    return line.startsWith("---")
        && (line.length() == 3 || Character.isWhitespace(line.charAt(3)));
  }

  private void parse(JsonFactory factory, String text, int lineOffset) {
    if (text.isBlank()) {
      return;
    }
    try (JsonParser parser = factory.createParser(text)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.START_ARRAY) {
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            readDocument(parser, lineOffset);
          }
        } else {
          readDocument(parser, lineOffset);
        }
      }
    } catch (JsonProcessingException e) {
      problems.add(syntaxProblem(e, e.getLocation(), e.getOriginalMessage(), lineOffset));
    } catch (IOException | RuntimeException e) {
      problems.add(syntaxProblem(e, null, e.getMessage(), lineOffset));
    }
  }

  private void readDocument(JsonParser parser, int lineOffset) throws IOException {
    int line = parser.currentTokenLocation().getLineNr() + lineOffset;
    Map<String, Integer> lines = new HashMap<>();
    JsonNode node = readValue(parser, "", lines, lineOffset);
    if (node.isNull()) {
      return;
    }
    if (node instanceof ObjectNode object) {
      documents.add(new SourceDocument(source, line, object, lines));
    } else {
      problems.add(
          new ConfigProblem(
              source,
              line,
              null,
              null,
              RecordBinder.render(node)
                  + " (expected: a mapping with apiVersion, kind, metadata and spec)"));
    }
  }

  private JsonNode readValue(JsonParser parser, String path, Map<String, Integer> lines, int offset)
      throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          String fieldPath = path.isEmpty() ? name : path + "." + name;
          int line = parser.currentTokenLocation().getLineNr() + offset;
          parser.nextToken();
          JsonNode value = readValue(parser, fieldPath, lines, offset);
          if (object.has(name)) {
            problems.add(
                new ConfigProblem(
                    source,
                    line,
                    null,
                    fieldPath,
                    "duplicate field (expected: each field once per mapping; first at line "
                        + lines.get(fieldPath)
                        + ")"));
          } else {
            lines.put(fieldPath, line);
            object.set(name, value);
          }
        }
        return object;
      }
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          String itemPath = path + "[" + index++ + "]";
          lines.putIfAbsent(itemPath, parser.currentTokenLocation().getLineNr() + offset);
          array.add(readValue(parser, itemPath, lines, offset));
        }
        return array;
      }
      case VALUE_STRING -> {
        return NODES.textNode(parser.getText());
      }
      case VALUE_NUMBER_INT -> {
        return switch (parser.getNumberType()) {
          case INT -> NODES.numberNode(parser.getIntValue());
          case LONG -> NODES.numberNode(parser.getLongValue());
          default -> NODES.numberNode(parser.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(parser.getDecimalValue());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        String text = parser.getText();
        // YAML 1.2 core schema: only true/false are booleans. YAML 1.1 words (off, on, yes, no,
        // y, n) stay the text they are, so `stage: off` means the stage named off.
        if (text != null && !text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
          return NODES.textNode(text);
        }
        return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      default -> {
        return NODES.textNode(parser.getText());
      }
    }
  }

  private ConfigProblem syntaxProblem(
      Exception e, JsonLocation location, String reason, int lineOffset) {
    int line = 0;
    int column = 0;
    MarkedYAMLException marked = findMarked(e);
    if (marked != null && marked.getProblemMark() != null) {
      Mark mark = marked.getProblemMark();
      line = mark.getLine() + 1;
      column = mark.getColumn() + 1;
      reason =
          marked.getProblem()
              + (marked.getContext() == null ? "" : " (" + marked.getContext() + ")");
    } else if (location != null) {
      line = Math.max(location.getLineNr(), 0);
      column = Math.max(location.getColumnNr(), 0);
    }
    String where =
        line > 0 ? " (line " + (line + lineOffset) + ", column " + column + ")" : "";
    String why = reason == null ? e.getClass().getSimpleName() : reason.replaceAll("\\s+", " ");
    return new ConfigProblem(
        source, line > 0 ? line + lineOffset : 0, null, null, "invalid " + format + where + ": " + why.trim());
  }

  private static MarkedYAMLException findMarked(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof MarkedYAMLException marked) {
        return marked;
      }
    }
    return null;
  }
}
