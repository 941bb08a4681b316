package dev.crossgate.waf.body;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiConsumer;

/** Flattens a JSON body into arguments named {@code json.a.b} / {@code json.list.0}, streaming, depth-bounded. */
public final class JsonBodyParser {

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(10_000).build()).build();

  private JsonBodyParser() {
  }

  /** Thrown for malformed JSON or when limits are exceeded. */
  public static final class JsonBodyException extends Exception {
    private static final long serialVersionUID = 1L;

    JsonBodyException(String msg) {
      super(msg);
    }
  }

  /** Parses {@code body} (a byte string), emitting at most {@code maxArgs} arguments. */
  public static void parse(String body, int maxDepth, int maxArgs, BiConsumer<String, String> sink)
      throws JsonBodyException {
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Deque<String> path = new ArrayDeque<>();
    Deque<int[]> arrayIdx = new ArrayDeque<>();
    int emitted = 0;
    try (JsonParser p = FACTORY.createParser(bytes)) {
      String field = null;
      JsonToken t;
      int depth = 0;
      while ((t = p.nextToken()) != null) {
        switch (t) {
          case FIELD_NAME -> field = p.getCurrentName();
          case START_OBJECT, START_ARRAY -> {
            if (++depth > maxDepth) {
              throw new JsonBodyException("JSON nesting deeper than " + maxDepth);
            }
            path.push(nextName(path, arrayIdx, field));
            arrayIdx.push(t == JsonToken.START_ARRAY ? new int[] {0} : new int[] {-1});
            field = null;
          }
          case END_OBJECT, END_ARRAY -> {
            depth--;
            path.pop();
            arrayIdx.pop();
          }
          default -> {
            String name = nextName(path, arrayIdx, field);
            field = null;
            if (emitted++ < maxArgs) {
              String v = t == JsonToken.VALUE_NULL ? "" : p.getText();
              sink.accept(name, new String(v.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                  java.nio.charset.StandardCharsets.ISO_8859_1));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new JsonBodyException("malformed JSON: " + e.getMessage());
    }
  }

  private static String nextName(Deque<String> path, Deque<int[]> arrayIdx, String field) {
    if (path.isEmpty()) {
      return "json";
    }
    int[] idx = arrayIdx.peek();
    if (idx != null && idx[0] >= 0) {
      return path.peek() + "." + (idx[0]++);
    }
    return path.peek() + "." + (field == null ? "" : field);
  }
}
