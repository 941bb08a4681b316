package dev.crossgate.waf.transform;

/** t:htmlEntityDecode: numeric entities and the named ones ModSecurity knows. */
final class HtmlEntities {

  private HtmlEntities() {
  }

  static String decode(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c != '&' || i + 1 >= n) {
        sb.append(c);
        i++;
        continue;
      }
      int j = i + 1;
      if (s.charAt(j) == '#') {
        j++;
        boolean hex = j < n && (s.charAt(j) == 'x' || s.charAt(j) == 'X');
        if (hex) {
          j++;
        }
        int start = j;
        long v = 0;
        while (j < n && (hex ? Transformations.hex(s.charAt(j)) >= 0 : Character.isDigit(s.charAt(j)))) {
          v = Math.min(0x10ffff, v * (hex ? 16 : 10) + (hex ? Transformations.hex(s.charAt(j)) : s.charAt(j) - '0'));
          j++;
        }
        if (j == start) {
          sb.append(c);
          i++;
          continue;
        }
        sb.append((char) (v & 0xff));
        if (j < n && s.charAt(j) == ';') {
          j++;
        }
        i = j;
        continue;
      }
      int start = j;
      while (j < n && Character.isLetterOrDigit(s.charAt(j)) && j - start < 10) {
        j++;
      }
      String name = s.substring(start, j).toLowerCase(java.util.Locale.ROOT);
      char rep = switch (name) {
        case "quot" -> '"';
        case "amp" -> '&';
        case "lt" -> '<';
        case "gt" -> '>';
        case "nbsp" -> (char) 0xa0;
        case "apos" -> '\'';
        default -> 0;
      };
      if (rep == 0) {
        sb.append(c);
        i++;
        continue;
      }
      sb.append(rep);
      if (j < n && s.charAt(j) == ';') {
        j++;
      }
      i = j;
    }
    return sb.toString();
  }
}
