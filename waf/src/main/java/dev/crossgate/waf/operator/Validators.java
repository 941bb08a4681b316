package dev.crossgate.waf.operator;

/** @validateUrlEncoding and @validateUtf8Encoding (they match when the input is invalid). */
final class Validators {

  private Validators() {
  }

  private static boolean hex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  static boolean invalidUrlEncoding(String v) {
    int n = v.length();
    for (int i = 0; i < n; i++) {
      if (v.charAt(i) == '%') {
        if (i + 2 >= n || !hex(v.charAt(i + 1)) || !hex(v.charAt(i + 2))) {
          return true;
        }
        i += 2;
      }
    }
    return false;
  }

  static boolean invalidUtf8(String v) {
    int n = v.length();
    int i = 0;
    while (i < n) {
      int c = v.charAt(i) & 0xff;
      int len;
      int min;
      if (c < 0x80) {
        i++;
        continue;
      } else if ((c & 0xe0) == 0xc0) {
        len = 2;
        min = 0x80;
      } else if ((c & 0xf0) == 0xe0) {
        len = 3;
        min = 0x800;
      } else if ((c & 0xf8) == 0xf0) {
        len = 4;
        min = 0x10000;
      } else {
        return true;
      }
      if (i + len > n) {
        return true;
      }
      int cp = c & (0xff >> (len + 1));
      for (int k = 1; k < len; k++) {
        int b = v.charAt(i + k) & 0xff;
        if ((b & 0xc0) != 0x80) {
          return true;
        }
        cp = (cp << 6) | (b & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || cp >= 0xd800 && cp <= 0xdfff) {
        return true;
      }
      i += len;
    }
    return false;
  }
}
