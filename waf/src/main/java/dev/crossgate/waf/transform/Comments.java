package dev.crossgate.waf.transform;

/** t:removeComments, t:replaceComments, t:removeCommentsChar. */
final class Comments {

  private Comments() {
  }

  static String remove(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    int n = s.length();
    int i = 0;
    while (i < n) {
      if (s.startsWith("/*", i)) {
        int e = s.indexOf("*/", i + 2);
        i = e < 0 ? n : e + 2;
      } else if (s.startsWith("<!--", i)) {
        int e = s.indexOf("-->", i + 4);
        i = e < 0 ? n : e + 3;
      } else if (s.startsWith("--", i) || s.charAt(i) == '#') {
        int e = s.indexOf('\n', i);
        i = e < 0 ? n : e;
      } else {
        sb.append(s.charAt(i++));
      }
    }
    return sb.toString();
  }

  static String replace(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    int n = s.length();
    int i = 0;
    while (i < n) {
      if (s.startsWith("/*", i)) {
        int e = s.indexOf("*/", i + 2);
        sb.append(' ');
        i = e < 0 ? n : e + 2;
      } else {
        sb.append(s.charAt(i++));
      }
    }
    return sb.toString();
  }

  static String removeChars(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    int n = s.length();
    int i = 0;
    while (i < n) {
      if (s.startsWith("/*", i) || s.startsWith("*/", i) || s.startsWith("--", i)) {
        i += 2;
      } else if (s.startsWith("<!--", i)) {
        i += 4;
      } else if (s.startsWith("-->", i)) {
        i += 3;
      } else if (s.charAt(i) == '#') {
        i++;
      } else {
        sb.append(s.charAt(i++));
      }
    }
    return sb.toString();
  }
}
