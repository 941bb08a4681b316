package dev.crossgate.waf.transform;

import java.util.ArrayDeque;
import java.util.Deque;

/** t:normalizePath / t:normalizePathWin: removes ./, resolves ../ and collapses //. */
final class PathNormalizer {

  private PathNormalizer() {
  }

  static String normalize(String s, boolean win) {
    if (win) {
      s = s.replace('\\', '/');
    }
    if (s.isEmpty()) {
      return s;
    }
    boolean absolute = s.charAt(0) == '/';
    boolean trailing = s.endsWith("/") || s.endsWith("/.") || s.endsWith("/..") || s.equals(".") || s.equals("..");
    Deque<String> out = new ArrayDeque<>();
    int leadingUp = 0;
    for (String seg : s.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (!out.isEmpty()) {
          out.removeLast();
        } else if (!absolute) {
          leadingUp++;
        }
        continue;
      }
      out.addLast(seg);
    }
    StringBuilder sb = new StringBuilder();
    if (absolute) {
      sb.append('/');
    }
    for (int i = 0; i < leadingUp; i++) {
      sb.append("../");
    }
    sb.append(String.join("/", out));
    if (trailing && sb.length() > 0 && sb.charAt(sb.length() - 1) != '/') {
      sb.append('/');
    }
    return sb.toString();
  }
}
