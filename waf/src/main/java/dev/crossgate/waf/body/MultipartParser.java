package dev.crossgate.waf.body;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A strict multipart/form-data parser that records the anomalies ModSecurity reports as
 * {@code MULTIPART_*} flags (CRS rule 922 and the recommended 200003 check them).
 */
public final class MultipartParser {

  /** One body part. */
  public record Part(String name, String filename, List<String> headers, String content) {
    /** True when the part carries a file. */
    public boolean isFile() {
      return filename != null;
    }
  }

  /** Parse result: parts, flags and a fatal error (null when none). */
  public record Result(List<Part> parts, Map<String, Boolean> flags, String error) {
  }

  private MultipartParser() {
  }

  /** Extracts the boundary parameter; flags quoting and whitespace. */
  static String boundary(String contentType, Map<String, Boolean> flags) {
    String lower = contentType.toLowerCase(Locale.ROOT);
    int i = lower.indexOf("boundary");
    if (i < 0) {
      return null;
    }
    int j = i + "boundary".length();
    while (j < contentType.length() && contentType.charAt(j) == ' ') {
      j++;
      flags.put("MULTIPART_BOUNDARY_WHITESPACE", true);
    }
    if (j >= contentType.length() || contentType.charAt(j) != '=') {
      return null;
    }
    j++;
    while (j < contentType.length() && contentType.charAt(j) == ' ') {
      j++;
      flags.put("MULTIPART_BOUNDARY_WHITESPACE", true);
    }
    String b = contentType.substring(j);
    int semi = b.indexOf(';');
    if (semi >= 0) {
      b = b.substring(0, semi);
    }
    b = b.strip();
    if (b.startsWith("\"")) {
      flags.put("MULTIPART_BOUNDARY_QUOTED", true);
      if (b.length() < 2 || !b.endsWith("\"")) {
        return null;
      }
      b = b.substring(1, b.length() - 1);
    }
    return b.isEmpty() ? null : b;
  }

  /** Parses {@code body} (byte string) for the given Content-Type header. */
  public static Result parse(String contentType, String body, int maxParts) {
    Map<String, Boolean> flags = new LinkedHashMap<>();
    for (String f : new String[] {"MULTIPART_BOUNDARY_QUOTED", "MULTIPART_BOUNDARY_WHITESPACE",
        "MULTIPART_DATA_BEFORE", "MULTIPART_DATA_AFTER", "MULTIPART_HEADER_FOLDING", "MULTIPART_LF_LINE",
        "MULTIPART_CRLF_LF_LINES", "MULTIPART_MISSING_SEMICOLON", "MULTIPART_INVALID_QUOTING",
        "MULTIPART_INVALID_PART", "MULTIPART_INVALID_HEADER_FOLDING", "MULTIPART_UNMATCHED_BOUNDARY",
        "MULTIPART_FILE_LIMIT_EXCEEDED"}) {
      flags.put(f, false);
    }
    List<Part> parts = new ArrayList<>();
    String boundary = boundary(contentType, flags);
    if (boundary == null) {
      return new Result(parts, flags, "multipart: no boundary in Content-Type");
    }
    String delim = "--" + boundary;
    int n = body.length();
    int pos = 0;
    boolean inPart = false;
    boolean inHeaders = false;
    boolean finished = false;
    boolean sawCrlf = false;
    boolean sawLf = false;
    List<String> headers = new ArrayList<>();
    StringBuilder content = new StringBuilder();
    String pendingEol = "";
    while (pos < n) {
      int nl = body.indexOf('\n', pos);
      int end = nl < 0 ? n : nl;
      boolean cr = end > pos && body.charAt(end - 1) == '\r';
      String line = body.substring(pos, cr ? end - 1 : end);
      String eol = nl < 0 ? "" : cr ? "\r\n" : "\n";
      pos = nl < 0 ? n : nl + 1;
      if (nl >= 0) {
        if (cr) {
          sawCrlf = true;
        } else {
          sawLf = true;
        }
      }
      if (finished) {
        if (!line.isEmpty()) {
          flags.put("MULTIPART_DATA_AFTER", true);
        }
        continue;
      }
      if (line.startsWith(delim)) {
        String rest = line.substring(delim.length());
        if (rest.isBlank() || rest.startsWith("--") && rest.substring(2).isBlank()) {
          if (inPart) {
            if (inHeaders) {
              flags.put("MULTIPART_INVALID_PART", true);
            }
            parts.add(part(headers, content.toString(), flags));
          }
          if (rest.startsWith("--")) {
            finished = true;
            inPart = false;
          } else {
            inPart = true;
            inHeaders = true;
            headers = new ArrayList<>();
            content.setLength(0);
            pendingEol = "";
          }
          continue;
        }
        flags.put("MULTIPART_UNMATCHED_BOUNDARY", true);
      } else if (line.startsWith("--") && !inHeaders && inPart && line.length() > 2
          && boundary.startsWith(line.substring(2, Math.min(line.length(), 2 + boundary.length())))) {
        flags.put("MULTIPART_UNMATCHED_BOUNDARY", true);
      }
      if (!inPart) {
        if (!line.isEmpty()) {
          flags.put("MULTIPART_DATA_BEFORE", true);
        }
        continue;
      }
      if (inHeaders) {
        if (line.isEmpty()) {
          inHeaders = false;
          continue;
        }
        if ((line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
          flags.put("MULTIPART_HEADER_FOLDING", true);
          if (headers.isEmpty()) {
            flags.put("MULTIPART_INVALID_HEADER_FOLDING", true);
          } else {
            headers.set(headers.size() - 1, headers.get(headers.size() - 1) + " " + line.strip());
          }
          continue;
        }
        if (line.indexOf(':') <= 0) {
          flags.put("MULTIPART_INVALID_PART", true);
        }
        headers.add(line);
        continue;
      }
      content.append(pendingEol).append(line);
      pendingEol = eol;
    }
    if (sawLf) {
      flags.put("MULTIPART_LF_LINE", true);
    }
    if (sawLf && sawCrlf) {
      flags.put("MULTIPART_CRLF_LF_LINES", true);
    }
    String error = null;
    if (!finished) {
      if (inPart) {
        parts.add(part(headers, content.toString(), flags));
      }
      error = "multipart: final boundary missing";
    }
    if (parts.size() > maxParts) {
      flags.put("MULTIPART_FILE_LIMIT_EXCEEDED", true);
    }
    return new Result(parts, flags, error);
  }

  private static Part part(List<String> headers, String content, Map<String, Boolean> flags) {
    String name = null;
    String filename = null;
    boolean disposition = false;
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String hn = h.substring(0, colon).trim();
      String hv = h.substring(colon + 1).trim();
      if (!hn.equalsIgnoreCase("content-disposition")) {
        continue;
      }
      disposition = true;
      String lower = hv.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("form-data")) {
        flags.put("MULTIPART_INVALID_PART", true);
        continue;
      }
      String rest = hv.substring("form-data".length());
      int i = 0;
      while (i < rest.length()) {
        char c = rest.charAt(i);
        if (c == ' ' || c == '\t') {
          i++;
          continue;
        }
        if (c != ';') {
          flags.put("MULTIPART_MISSING_SEMICOLON", true);
        } else {
          i++;
        }
        while (i < rest.length() && (rest.charAt(i) == ' ' || rest.charAt(i) == '\t')) {
          i++;
        }
        int eq = rest.indexOf('=', i);
        if (eq < 0) {
          flags.put("MULTIPART_INVALID_PART", true);
          break;
        }
        String pname = rest.substring(i, eq).trim().toLowerCase(Locale.ROOT);
        i = eq + 1;
        String pval;
        if (i < rest.length() && rest.charAt(i) == '"') {
          StringBuilder sb = new StringBuilder();
          i++;
          boolean closed = false;
          while (i < rest.length()) {
            char d = rest.charAt(i);
            if (d == '\\' && i + 1 < rest.length() && (rest.charAt(i + 1) == '"' || rest.charAt(i + 1) == '\\')) {
              flags.put("MULTIPART_INVALID_QUOTING", true);
              sb.append(rest.charAt(i + 1));
              i += 2;
              continue;
            }
            if (d == '"') {
              closed = true;
              i++;
              break;
            }
            sb.append(d);
            i++;
          }
          if (!closed) {
            flags.put("MULTIPART_INVALID_QUOTING", true);
          }
          pval = sb.toString();
        } else {
          int e = i;
          while (e < rest.length() && rest.charAt(e) != ';' && rest.charAt(e) != ' ') {
            e++;
          }
          pval = rest.substring(i, e);
          if (pval.indexOf('\'') >= 0 || pval.indexOf('"') >= 0) {
            flags.put("MULTIPART_INVALID_QUOTING", true);
          }
          i = e;
        }
        if (pname.equals("name")) {
          name = pval;
        } else if (pname.equals("filename") || pname.equals("filename*")) {
          filename = pval;
        }
      }
    }
    if (!disposition || name == null) {
      flags.put("MULTIPART_INVALID_PART", true);
    }
    return new Part(name == null ? "" : name, filename, List.copyOf(headers), content);
  }
}
