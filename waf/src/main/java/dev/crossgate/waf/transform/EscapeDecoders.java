package dev.crossgate.waf.transform;

/** t:jsDecode, t:cssDecode and t:escapeSeqDecode. */
final class EscapeDecoders {

  private EscapeDecoders() {
  }

  private static boolean isHex(String s, int from, int count) {
    if (from + count > s.length()) {
      return false;
    }
    for (int k = 0; k < count; k++) {
      if (Transformations.hex(s.charAt(from + k)) < 0) {
        return false;
      }
    }
    return true;
  }

  private static int hexVal(String s, int from, int count) {
    int v = 0;
    for (int k = 0; k < count; k++) {
      v = v * 16 + Transformations.hex(s.charAt(from + k));
    }
    return v;
  }

  static String jsDecode(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= n) {
        sb.append(c);
        i++;
        continue;
      }
      char d = s.charAt(i + 1);
      if ((d == 'u' || d == 'U') && isHex(s, i + 2, 4)) {
        int code = hexVal(s, i + 2, 4);
        sb.append(code >= 0xff01 && code <= 0xff5e ? (char) (code - 0xfee0) : (char) (code & 0xff));
        i += 6;
      } else if ((d == 'x' || d == 'X') && isHex(s, i + 2, 2)) {
        sb.append((char) hexVal(s, i + 2, 2));
        i += 4;
      } else if (d >= '0' && d <= '7') {
        int j = i + 1;
        int v = 0;
        while (j < n && j < i + 4 && s.charAt(j) >= '0' && s.charAt(j) <= '7') {
          v = v * 8 + (s.charAt(j) - '0');
          j++;
        }
        sb.append((char) (v & 0xff));
        i = j;
      } else {
        sb.append(switch (d) {
          case 'a' -> (char) 7;
          case 'b' -> '\b';
          case 'f' -> '\f';
          case 'n' -> '\n';
          case 'r' -> '\r';
          case 't' -> '\t';
          case 'v' -> (char) 0x0b;
          default -> d;
        });
        i += 2;
      }
    }
    return sb.toString();
  }

  static String cssDecode(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c != '\\') {
        sb.append(c);
        i++;
        continue;
      }
      if (i + 1 >= n) {
        i++;
        continue;
      }
      int j = i + 1;
      int cnt = 0;
      while (j < n && cnt < 6 && Transformations.hex(s.charAt(j)) >= 0) {
        j++;
        cnt++;
      }
      if (cnt > 0) {
        int v = hexVal(s, i + 1, cnt);
        char out = (char) (v & 0xff);
        if (cnt >= 5 && v >= 0xff01 && v <= 0xff5e) {
          out = (char) (v - 0xfee0);
        } else if (cnt == 4 && v >= 0xff01 && v <= 0xff5e) {
          out = (char) (v - 0xfee0);
        }
        sb.append(out);
        if (j < n && Transformations.isSpace(s.charAt(j))) {
          j++;
        }
        i = j;
      } else if (s.charAt(i + 1) == '\n') {
        i += 2;
      } else {
        sb.append(s.charAt(i + 1));
        i += 2;
      }
    }
    return sb.toString();
  }

  static String escapeSeqDecode(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= n) {
        sb.append(c);
        i++;
        continue;
      }
      char d = s.charAt(i + 1);
      if (d == 'x' && isHex(s, i + 2, 2)) {
        sb.append((char) hexVal(s, i + 2, 2));
        i += 4;
      } else if (d >= '0' && d <= '7') {
        int j = i + 1;
        int v = 0;
        while (j < n && j < i + 4 && s.charAt(j) >= '0' && s.charAt(j) <= '7') {
          v = v * 8 + (s.charAt(j) - '0');
          j++;
        }
        sb.append((char) (v & 0xff));
        i = j;
      } else {
        char out = switch (d) {
          case 'a' -> (char) 7;
          case 'b' -> '\b';
          case 'f' -> '\f';
          case 'n' -> '\n';
          case 'r' -> '\r';
          case 't' -> '\t';
          case 'v' -> (char) 0x0b;
          case '\\', '?', '\'', '"' -> d;
          default -> 0;
        };
        if (out == 0) {
          sb.append(c).append(d);
        } else {
          sb.append(out);
        }
        i += 2;
      }
    }
    return sb.toString();
  }
}
