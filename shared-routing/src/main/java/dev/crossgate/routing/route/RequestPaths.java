package dev.crossgate.routing.route;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Puts request paths into the one canonical form the route table and authorization see, so that
 * {@code /admin} cannot be reached under another spelling such as {@code /./admin},
 * {@code //admin}, {@code /%61dmin} or {@code /x/../admin}.
 */
public final class RequestPaths {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  private static final int MAX_QUOTED = 200;

  private RequestPaths() {}

  /**
   * Normalizes a raw request path (without the query string):
   *
   * <ol>
   *   <li>percent-encoded unreserved characters ({@code ALPHA DIGIT - . _ ~}) are decoded and the
   *       remaining percent-escapes are upper-cased ({@code %2f} is rejected, see below);
   *   <li>characters outside US-ASCII are percent-encoded as UTF-8;
   *   <li>repeated slashes are merged;
   *   <li>dot segments ({@code .} and {@code ..}) are removed as in RFC 3986 section 5.2.4;
   *       {@code ..} never climbs above the root.
   * </ol>
   *
   * A path that is already canonical is returned as is, without allocating.
   *
   * @throws IllegalArgumentException when the path does not start with {@code /}, contains a
   *     control character (raw or encoded), {@code ?}, {@code #} or {@code \}, has a malformed
   *     percent-escape, or encodes {@code /} or {@code \} ({@code %2F}, {@code %5C}); the message
   *     says what and at which index
   */
  public static String normalize(String rawPath) {
    Objects.requireNonNull(rawPath, "rawPath");
    if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      throw invalid(rawPath, "a path starting with '/'");
    }
    return isCanonical(rawPath) ? rawPath : removeDotSegments(decode(rawPath));
  }

  /** Whether the path has nothing to decode, merge or remove, and nothing to reject. */
  private static boolean isCanonical(String path) {
    int n = path.length();
    for (int i = 0; i < n; i++) {
      char c = path.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '%' || c == '\\' || c == '?' || c == '#') {
        return false; // 0x20 (space) is left to the slow path, which keeps it encoded
      }
      if (c == '/' && i + 1 < n) {
        char next = path.charAt(i + 1);
        if (next == '/') {
          return false;
        }
        if (next == '.' && isDotSegment(path, i + 1)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean isDotSegment(String path, int start) {
    int end = path.indexOf('/', start);
    int length = (end < 0 ? path.length() : end) - start;
    return length == 1 || (length == 2 && path.charAt(start + 1) == '.');
  }

  /** Validates, decodes unreserved escapes, upper-cases the others and encodes non-ASCII. */
  private static String decode(String raw) {
    StringBuilder out = new StringBuilder(raw.length() + 8);
    int n = raw.length();
    for (int i = 0; i < n; i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= n || hexValue(raw.charAt(i + 1)) < 0 || hexValue(raw.charAt(i + 2)) < 0) {
          throw invalid(raw, "'%' followed by two hex digits at index " + i);
        }
        int value = hexValue(raw.charAt(i + 1)) << 4 | hexValue(raw.charAt(i + 2));
        if (value == '/' || value == '\\') {
          throw invalid(raw, "no encoded '/' or '\\' (found %" + raw.substring(i + 1, i + 3)
              + " at index " + i + ")");
        }
        if (value < 0x20 || value == 0x7f) {
          throw invalid(raw, "no encoded control character (found %"
              + raw.substring(i + 1, i + 3) + " at index " + i + ")");
        }
        if (isUnreserved(value)) {
          out.append((char) value);
        } else {
          appendEscape(out, value);
        }
        i += 2;
      } else if (c < 0x20 || c == 0x7f) {
        throw invalid(raw, "no control character (found U+"
            + String.format("%04X", (int) c) + " at index " + i + ")");
      } else if (c == '\\' || c == '?' || c == '#') {
        throw invalid(raw, "no '" + c + "' (found at index " + i + ")");
      } else if (c == ' ') {
        appendEscape(out, c);
      } else if (c >= 0x80) {
        int end = Character.isHighSurrogate(c) && i + 1 < n ? i + 2 : i + 1;
        for (byte b : raw.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
          appendEscape(out, b & 0xff);
        }
        i = end - 1;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Merges slashes and removes dot segments; the input starts with '/'. */
  private static String removeDotSegments(String path) {
    List<String> segments = new ArrayList<>();
    boolean trailingSlash = false;
    int n = path.length();
    int start = 1;
    while (start <= n) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = n;
      }
      String segment = path.substring(start, end);
      // Only the last segment decides: an empty or dot segment there leaves a trailing slash.
      if (segment.isEmpty() || segment.equals(".")) {
        trailingSlash = true;
      } else if (segment.equals("..")) {
        if (!segments.isEmpty()) {
          segments.remove(segments.size() - 1);
        }
        trailingSlash = true;
      } else {
        segments.add(segment);
        trailingSlash = false;
      }
      start = end + 1;
    }
    if (segments.isEmpty()) {
      return "/";
    }
    StringBuilder out = new StringBuilder(n);
    for (String segment : segments) {
      out.append('/').append(segment);
    }
    if (trailingSlash) {
      out.append('/');
    }
    return out.toString();
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }

  private static void appendEscape(StringBuilder out, int b) {
    out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
  }

  private static IllegalArgumentException invalid(String raw, String expected) {
    return new IllegalArgumentException("path: " + quote(raw) + " (expected: " + expected + ")");
  }

  /** The path in quotes, control characters escaped, cut when very long. */
  private static String quote(String raw) {
    StringBuilder out = new StringBuilder("'");
    int n = Math.min(raw.length(), MAX_QUOTED);
    for (int i = 0; i < n; i++) {
      char c = raw.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    if (raw.length() > n) {
      out.append("...");
    }
    return out.append('\'').toString();
  }
}
