package dev.crossgate.policy.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One mapping document read from a source, with the line of every field path in it.
 *
 * @param source the file or source name
 * @param line the 1-based line where the document's mapping starts
 * @param root the document
 * @param lines field path ({@code spec.rules[0].matches}) → 1-based line
 */
record SourceDocument(String source, int line, ObjectNode root, Map<String, Integer> lines) {

  SourceDocument {
    lines = Map.copyOf(lines);
  }

  /** The line of {@code path}, else of its nearest written ancestor, else of the document. */
  int lineOf(String path) {
    String current = path == null ? "" : path;
    while (!current.isEmpty()) {
      Integer found = lines.get(current);
      if (found != null) {
        return found;
      }
      int cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
      current = cut < 0 ? "" : current.substring(0, cut);
    }
    return line;
  }
}
