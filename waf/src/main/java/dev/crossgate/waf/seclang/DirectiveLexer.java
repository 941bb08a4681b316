package dev.crossgate.waf.seclang;

import java.util.ArrayList;
import java.util.List;

/** Splits configuration text into directives: joins backslash continuations, drops comments, splits arguments. */
final class DirectiveLexer {

  /** One directive with its arguments and the line it starts on. */
  record Directive(String name, List<String> args, int line) {
  }

  private DirectiveLexer() {
  }

  static List<Directive> lex(String text, String source) {
    List<Directive> out = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    StringBuilder cur = new StringBuilder();
    int startLine = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (cur.length() == 0) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        startLine = i + 1;
      }
      String stripped = line.stripTrailing();
      if (stripped.endsWith("\\")) {
        cur.append(stripped, 0, stripped.length() - 1);
        if (i + 1 < lines.length) {
          continue;
        }
      } else {
        cur.append(line);
      }
      out.add(split(cur.toString(), source, startLine));
      cur.setLength(0);
    }
    return out;
  }

  private static Directive split(String text, String source, int line) {
    List<String> parts = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      StringBuilder sb = new StringBuilder();
      if (c == '"' || c == '\'') {
        char q = c;
        i++;
        boolean closed = false;
        while (i < n) {
          char d = text.charAt(i);
          if (d == '\\' && i + 1 < n && text.charAt(i + 1) == q) {
            sb.append(q);
            i += 2;
            continue;
          }
          if (d == q) {
            closed = true;
            i++;
            break;
          }
          sb.append(d);
          i++;
        }
        if (!closed) {
          throw new SecLangException(source, line, "unterminated " + q + "-quoted argument (expected a closing " + q + ")");
        }
      } else {
        while (i < n && !Character.isWhitespace(text.charAt(i))) {
          sb.append(text.charAt(i));
          i++;
        }
      }
      parts.add(sb.toString());
    }
    return new Directive(parts.get(0), parts.subList(1, parts.size()), line);
  }
}
