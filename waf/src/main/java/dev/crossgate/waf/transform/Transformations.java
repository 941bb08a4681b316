package dev.crossgate.waf.transform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The SecLang transformation functions CRS uses. Values are byte strings: one char per byte
 * (ISO-8859-1), exactly as ModSecurity sees request bytes.
 */
public final class Transformations {

  private static final Map<String, UnaryOperator<String>> FNS = new HashMap<>();

  static {
    FNS.put("lowercase", Transformations::lowercase);
    FNS.put("uppercase", s -> s.toUpperCase(Locale.ROOT));
    FNS.put("urldecode", s -> UrlCodec.decode(s, false));
    FNS.put("urldecodeuni", s -> UrlCodec.decode(s, true));
    FNS.put("urlencode", UrlCodec::encode);
    FNS.put("htmlentitydecode", HtmlEntities::decode);
    FNS.put("jsdecode", EscapeDecoders::jsDecode);
    FNS.put("cssdecode", EscapeDecoders::cssDecode);
    FNS.put("escapeseqdecode", EscapeDecoders::escapeSeqDecode);
    FNS.put("cmdline", Transformations::cmdLine);
    FNS.put("compresswhitespace", Transformations::compressWhitespace);
    FNS.put("removewhitespace", Transformations::removeWhitespace);
    FNS.put("removenulls", s -> s.indexOf('\0') < 0 ? s : s.replace("\0", ""));
    FNS.put("replacenulls", s -> s.replace('\0', ' '));
    FNS.put("normalizepath", s -> PathNormalizer.normalize(s, false));
    FNS.put("normalisepath", s -> PathNormalizer.normalize(s, false));
    FNS.put("normalizepathwin", s -> PathNormalizer.normalize(s, true));
    FNS.put("normalisepathwin", s -> PathNormalizer.normalize(s, true));
    FNS.put("base64decode", s -> Base64Codec.decode(s, false));
    FNS.put("base64decodeext", s -> Base64Codec.decode(s, true));
    FNS.put("base64encode", s -> java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.ISO_8859_1)));
    FNS.put("hexdecode", Transformations::hexDecode);
    FNS.put("sqlhexdecode", Transformations::sqlHexDecode);
    FNS.put("hexencode", Transformations::hexEncode);
    FNS.put("utf8tounicode", Utf8ToUnicode::apply);
    FNS.put("removecomments", Comments::remove);
    FNS.put("replacecomments", Comments::replace);
    FNS.put("removecommentschar", Comments::removeChars);
    FNS.put("trim", Transformations::trim);
    FNS.put("trimleft", s -> s.substring(leading(s)));
    FNS.put("trimright", s -> s.substring(0, trailing(s)));
    FNS.put("length", s -> Integer.toString(s.length()));
    FNS.put("sha1", s -> digest("SHA-1", s));
    FNS.put("md5", s -> digest("MD5", s));
    FNS.put("parityeven7bit", s -> s);
    FNS.put("paritystrip7bit", s -> s);
    FNS.put("parityzero7bit", s -> s);
  }

  private Transformations() {
  }

  /** Looks a transformation up by name (case-insensitive); null when unknown. */
  public static Transformation byName(String name) {
    UnaryOperator<String> fn = FNS.get(name.toLowerCase(Locale.ROOT));
    return fn == null ? null : new Transformation(name, fn);
  }

  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b || c == 0xa0;
  }

  static String lowercase(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        if (sb == null) {
          sb = new StringBuilder(s);
        }
        sb.setCharAt(i, (char) (c + 32));
      }
    }
    return sb == null ? s : sb.toString();
  }

  static String cmdLine(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    boolean space = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"', '\'', '\\', '^' -> {
        }
        case ' ', ',', ';', '\t', '\r', '\n' -> {
          if (!space) {
            sb.append(' ');
            space = true;
          }
        }
        case '/', '(' -> {
          if (space) {
            sb.setLength(sb.length() - 1);
          }
          space = false;
          sb.append(c);
        }
        default -> {
          sb.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
          space = false;
        }
      }
    }
    return sb.toString();
  }

  static String compressWhitespace(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    boolean inSpace = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isSpace(c)) {
        if (!inSpace) {
          sb.append(' ');
          inSpace = true;
        }
      } else {
        sb.append(c);
        inSpace = false;
      }
    }
    return sb.toString();
  }

  static String removeWhitespace(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!isSpace(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static int leading(String s) {
    int i = 0;
    while (i < s.length() && isSpace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  static int trailing(String s) {
    int e = s.length();
    while (e > 0 && isSpace(s.charAt(e - 1))) {
      e--;
    }
    return e;
  }

  static String trim(String s) {
    int b = leading(s);
    int e = trailing(s);
    return b >= e ? "" : s.substring(b, e);
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  static String hexDecode(String s) {
    StringBuilder sb = new StringBuilder(s.length() / 2);
    for (int i = 0; i + 1 < s.length(); i += 2) {
      int h = hex(s.charAt(i));
      int l = hex(s.charAt(i + 1));
      if (h < 0 || l < 0) {
        return s;
      }
      sb.append((char) (h * 16 + l));
    }
    return sb.toString();
  }

  static String sqlHexDecode(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      if (i + 3 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) | 0x20) == 'x'
          && hex(s.charAt(i + 2)) >= 0 && hex(s.charAt(i + 3)) >= 0) {
        i += 2;
        while (i + 1 < s.length() && hex(s.charAt(i)) >= 0 && hex(s.charAt(i + 1)) >= 0) {
          sb.append((char) (hex(s.charAt(i)) * 16 + hex(s.charAt(i + 1))));
          i += 2;
        }
      } else {
        sb.append(s.charAt(i++));
      }
    }
    return sb.toString();
  }

  static String hexEncode(String s) {
    StringBuilder sb = new StringBuilder(s.length() * 2);
    for (int i = 0; i < s.length(); i++) {
      sb.append(Character.forDigit((s.charAt(i) >> 4) & 0xf, 16)).append(Character.forDigit(s.charAt(i) & 0xf, 16));
    }
    return sb.toString();
  }

  static String digest(String alg, String s) {
    try {
      byte[] d = MessageDigest.getInstance(alg).digest(s.getBytes(StandardCharsets.ISO_8859_1));
      return new String(d, StandardCharsets.ISO_8859_1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
