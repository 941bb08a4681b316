package dev.crossgate.waf.rule;

import dev.crossgate.waf.regex.WafRegex;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Parses a SecRule variable list such as {@code ARGS|!ARGS:/^id$/|&REQUEST_HEADERS:Host}. */
public final class TargetParser {

  /** Variables and collections the engine knows. */
  public static final Set<String> KNOWN = Set.of("ARGS", "ARGS_NAMES", "ARGS_GET", "ARGS_GET_NAMES", "ARGS_POST",
      "ARGS_POST_NAMES", "ARGS_COMBINED_SIZE", "REQUEST_HEADERS", "REQUEST_HEADERS_NAMES", "REQUEST_COOKIES",
      "REQUEST_COOKIES_NAMES", "REQUEST_URI", "REQUEST_URI_RAW", "REQUEST_FILENAME", "REQUEST_BASENAME",
      "REQUEST_LINE", "REQUEST_METHOD", "REQUEST_PROTOCOL", "QUERY_STRING", "REQUEST_BODY", "REQUEST_BODY_LENGTH",
      "FILES", "FILES_NAMES", "FILES_SIZES", "FILES_COMBINED_SIZE", "FILES_TMPNAMES", "FILES_TMP_CONTENT", "XML",
      "TX", "ENV", "IP", "GLOBAL", "SESSION", "USER", "RESOURCE", "MATCHED_VAR", "MATCHED_VARS", "MATCHED_VAR_NAME",
      "MATCHED_VARS_NAMES", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_PORT", "REMOTE_USER", "SERVER_ADDR", "SERVER_NAME",
      "SERVER_PORT", "REQBODY_ERROR", "REQBODY_ERROR_MSG", "REQBODY_PROCESSOR", "REQBODY_PROCESSOR_ERROR",
      "MULTIPART_STRICT_ERROR", "MULTIPART_UNMATCHED_BOUNDARY", "MULTIPART_BOUNDARY_QUOTED",
      "MULTIPART_BOUNDARY_WHITESPACE", "MULTIPART_DATA_BEFORE", "MULTIPART_DATA_AFTER", "MULTIPART_HEADER_FOLDING",
      "MULTIPART_LF_LINE", "MULTIPART_MISSING_SEMICOLON", "MULTIPART_INVALID_QUOTING", "MULTIPART_INVALID_PART",
      "MULTIPART_INVALID_HEADER_FOLDING", "MULTIPART_FILE_LIMIT_EXCEEDED", "MULTIPART_CRLF_LF_LINES",
      "MULTIPART_FILENAME", "MULTIPART_NAME", "MULTIPART_PART_HEADERS", "RESPONSE_BODY", "RESPONSE_HEADERS",
      "RESPONSE_HEADERS_NAMES", "RESPONSE_STATUS", "RESPONSE_PROTOCOL", "RESPONSE_CONTENT_TYPE",
      "RESPONSE_CONTENT_LENGTH", "STATUS_LINE", "UNIQUE_ID", "DURATION", "TIME", "TIME_DAY", "TIME_EPOCH",
      "TIME_HOUR", "TIME_MIN", "TIME_MON", "TIME_SEC", "TIME_WDAY", "TIME_YEAR", "WEBSERVER_ERROR_LOG",
      "INBOUND_DATA_ERROR", "OUTBOUND_DATA_ERROR", "FULL_REQUEST", "FULL_REQUEST_LENGTH", "AUTH_TYPE", "RULE",
      "HIGHEST_SEVERITY", "PATH_INFO", "SCRIPT_FILENAME", "STREAM_INPUT_BODY", "STREAM_OUTPUT_BODY",
      "URLENCODED_ERROR", "USERID", "SESSIONID", "WEBAPPID", "GEO", "REQUEST_HEADERS_COUNT");

  private TargetParser() {
  }

  /** Parses the list; throws IllegalArgumentException naming the bad part. */
  public static List<Target> parse(String text) {
    List<Target> out = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      boolean exclude = false;
      boolean count = false;
      while (i < n && (text.charAt(i) == '!' || text.charAt(i) == '&' || text.charAt(i) == ' ')) {
        if (text.charAt(i) == '!') {
          exclude = true;
        } else if (text.charAt(i) == '&') {
          count = true;
        }
        i++;
      }
      int start = i;
      while (i < n && text.charAt(i) != ':' && text.charAt(i) != '|' && text.charAt(i) != '.') {
        i++;
      }
      String name = text.substring(start, i).trim().toUpperCase(Locale.ROOT);
      if (name.isEmpty()) {
        throw new IllegalArgumentException("empty variable name in '" + text + "' (expected e.g. ARGS or REQUEST_HEADERS:Host)");
      }
      if (!KNOWN.contains(name)) {
        throw new IllegalArgumentException("unknown variable " + name + " in '" + text + "'");
      }
      String key = null;
      WafRegex keyRegex = null;
      if (i < n && (text.charAt(i) == ':' || text.charAt(i) == '.')) {
        i++;
        if (i < n && text.charAt(i) == '/' && !name.equals("XML")) {
          int e = i + 1;
          while (e < n && !(text.charAt(e) == '/' && text.charAt(e - 1) != '\\')) {
            e++;
          }
          if (e >= n) {
            throw new IllegalArgumentException("unterminated /regex/ selector in '" + text + "'");
          }
          keyRegex = WafRegex.compile(text.substring(i + 1, e), true);
          i = e + 1;
        } else if (i < n && text.charAt(i) == '\'') {
          int e = text.indexOf('\'', i + 1);
          if (e < 0) {
            throw new IllegalArgumentException("unterminated quoted selector in '" + text + "'");
          }
          key = text.substring(i + 1, e);
          i = e + 1;
        } else {
          int e = i;
          while (e < n && text.charAt(e) != '|') {
            e++;
          }
          key = text.substring(i, e).trim();
          i = e;
        }
      }
      out.add(new Target(name, key, keyRegex, count, exclude));
      while (i < n && text.charAt(i) != '|') {
        i++;
      }
      i++;
    }
    return out;
  }
}
