package dev.crossgate.waf.transform;

/** Forgiving base64 decoding (ModSecurity stops at the first invalid character unless ext). */
final class Base64Codec {

  private Base64Codec() {
  }

  private static int val(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    if (c == '+' || c == '-') {
      return 62;
    }
    if (c == '/' || c == '_') {
      return 63;
    }
    return -1;
  }

  static String decode(String s, boolean ext) {
    StringBuilder sb = new StringBuilder(s.length() * 3 / 4);
    int acc = 0;
    int bits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '=') {
        break;
      }
      int v = val(c);
      if (v < 0) {
        if (ext) {
          continue;
        }
        break;
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        sb.append((char) ((acc >> bits) & 0xff));
      }
    }
    return sb.toString();
  }
}
