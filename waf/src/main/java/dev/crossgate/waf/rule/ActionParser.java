package dev.crossgate.waf.rule;

import java.util.ArrayList;
import java.util.List;

/** Splits a SecLang action list ({@code id:1,phase:2,msg:'a, b',t:none}) into name/value pairs. */
public final class ActionParser {

  private ActionParser() {
  }

  /** One parsed action. */
  public record Item(String name, String value) {
  }

  /** Parses the action list; throws IllegalArgumentException on unbalanced quotes. */
  public static List<Item> parse(String text) {
    List<Item> out = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == ',')) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int start = i;
      while (i < n && text.charAt(i) != ':' && text.charAt(i) != ',') {
        i++;
      }
      String name = text.substring(start, i).trim();
      String value = null;
      if (i < n && text.charAt(i) == ':') {
        i++;
        while (i < n && text.charAt(i) == ' ') {
          i++;
        }
        if (i < n && text.charAt(i) == '\'') {
          i++;
          StringBuilder sb = new StringBuilder();
          boolean closed = false;
          while (i < n) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < n && text.charAt(i + 1) == '\'') {
              sb.append('\'');
              i += 2;
              continue;
            }
            if (c == '\'') {
              closed = true;
              i++;
              break;
            }
            sb.append(c);
            i++;
          }
          if (!closed) {
            throw new IllegalArgumentException("unterminated quote in action " + name + " (expected a closing ')");
          }
          value = sb.toString();
          while (i < n && text.charAt(i) != ',') {
            i++;
          }
        } else {
          int vs = i;
          while (i < n && text.charAt(i) != ',') {
            i++;
          }
          value = text.substring(vs, i).trim();
        }
      }
      out.add(new Item(name, value));
    }
    return out;
  }
}
