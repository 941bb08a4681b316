package dev.crossgate.waf.transform;

/** t:utf8toUnicode: multi-byte UTF-8 sequences become %uXXXX; invalid bytes stay. */
final class Utf8ToUnicode {

  private Utf8ToUnicode() {
  }

  static String apply(String s) {
    boolean any = false;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        any = true;
        break;
      }
    }
    if (!any) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    int n = s.length();
    int i = 0;
    while (i < n) {
      int c = s.charAt(i) & 0xff;
      int len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
      if (len <= 1 || i + len > n) {
        sb.append((char) c);
        i++;
        continue;
      }
      int cp = len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
      boolean ok = true;
      for (int k = 1; k < len; k++) {
        int b = s.charAt(i + k) & 0xff;
        if ((b & 0xc0) != 0x80) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (b & 0x3f);
      }
      if (!ok) {
        sb.append((char) c);
        i++;
        continue;
      }
      sb.append("%u").append(String.format("%04x", cp & 0xffff));
      i += len;
    }
    return sb.toString();
  }
}
