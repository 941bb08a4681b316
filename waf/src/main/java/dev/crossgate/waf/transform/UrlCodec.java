package dev.crossgate.waf.transform;

/** URL decoding as ModSecurity does it: invalid escapes are kept, %uXXXX understood on request. */
public final class UrlCodec {

  private UrlCodec() {
  }

  /** Decodes %XX (and with {@code uni} %uXXXX) and '+'. */
  public static String decode(String s, boolean uni) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '+') {
        sb.append(' ');
      } else if (c == '%') {
        if (uni && i + 5 < n && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')
            && hex4(s, i + 2) >= 0) {
          int code = hex4(s, i + 2);
          if (code >= 0xff01 && code <= 0xff5e) {
            sb.append((char) (code - 0xfee0));
          } else {
            sb.append((char) (code & 0xff));
          }
          i += 5;
        } else if (i + 2 < n && Transformations.hex(s.charAt(i + 1)) >= 0 && Transformations.hex(s.charAt(i + 2)) >= 0) {
          sb.append((char) (Transformations.hex(s.charAt(i + 1)) * 16 + Transformations.hex(s.charAt(i + 2))));
          i += 2;
        } else {
          sb.append(c);
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static int hex4(String s, int at) {
    int v = 0;
    for (int k = 0; k < 4; k++) {
      int h = Transformations.hex(s.charAt(at + k));
      if (h < 0) {
        return -1;
      }
      v = v * 16 + h;
    }
    return v;
  }

  /** Percent-encodes everything but unreserved characters. */
  public static String encode(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.' || c == '*') {
        sb.append(c);
      } else if (c == ' ') {
        sb.append('+');
      } else {
        sb.append('%').append(Character.forDigit((c >> 4) & 0xf, 16)).append(Character.forDigit(c & 0xf, 16));
      }
    }
    return sb.toString();
  }
}
