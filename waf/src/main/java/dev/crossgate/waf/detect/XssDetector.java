package dev.crossgate.waf.detect;

import java.util.Locale;
import java.util.Set;

/**
 * XSS detection after libinjection's design: an HTML5-style scan for tags and attributes, judged
 * against blacklists of dangerous tags, event-handler and URL attributes, and URL schemes.
 */
public final class XssDetector {

  private static final Set<String> BAD_TAGS = Set.of("script", "iframe", "frame", "frameset", "object", "embed",
      "applet", "svg", "style", "base", "link", "meta", "form", "xml", "xss", "isindex", "math", "vmlframe",
      "import", "template", "set", "animate", "handler", "listener", "bgsound", "marquee", "audio", "video",
      "source", "comment", "plaintext", "noscript", "title", "textarea", "image");

  private static final Set<String> URL_ATTRS = Set.of("href", "src", "action", "formaction", "data", "background",
      "lowsrc", "dynsrc", "xlink:href", "codebase", "poster", "srcdoc", "from", "to", "values", "by", "attributename",
      "folder", "xmlns", "style", "datasrc", "filter");

  private static final java.util.regex.Pattern ATTR_CONTEXT =
      java.util.regex.Pattern.compile("(?:^|[\\s\"'`/;])on[a-z]{3,}\\s*=");

  private XssDetector() {
  }

  /** True when {@code input} looks like an XSS payload. */
  public static boolean isXss(String input) {
    String s = input.toLowerCase(Locale.ROOT);
    if (hasBadScheme(s) && (s.indexOf('<') < 0 || s.contains("=")) && startsWithScheme(s)) {
      return true;
    }
    // input landing inside an HTML attribute: a quote or space, then an event handler
    if (ATTR_CONTEXT.matcher(s).find()) {
      return true;
    }
    int n = s.length();
    for (int i = s.indexOf('<'); i >= 0 && i < n; i = s.indexOf('<', i + 1)) {
      int j = i + 1;
      if (j < n && s.charAt(j) == '/') {
        j++;
      }
      if (j < n && s.charAt(j) == '!') {
        if (s.startsWith("<!--", i) || s.startsWith("<![cdata[", i) || s.startsWith("<!entity", i)) {
          return true;
        }
        continue;
      }
      if (j < n && s.charAt(j) == '?') {
        return true;
      }
      int ts = j;
      while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == ':' || s.charAt(j) == '-')) {
        j++;
      }
      if (j == ts) {
        continue;
      }
      String tag = s.substring(ts, j);
      int colon = tag.indexOf(':');
      if (colon >= 0) {
        tag = tag.substring(colon + 1);
      }
      if (BAD_TAGS.contains(tag)) {
        return true;
      }
      // attributes until '>'
      while (j < n && s.charAt(j) != '>') {
        char c = s.charAt(j);
        if (Character.isWhitespace(c) || c == '/' || c == '"' || c == '\'' || c == 0) {
          j++;
          continue;
        }
        int as = j;
        while (j < n && s.charAt(j) != '=' && s.charAt(j) != '>' && !Character.isWhitespace(s.charAt(j))
            && s.charAt(j) != '/') {
          j++;
        }
        String attr = s.substring(as, j);
        while (j < n && Character.isWhitespace(s.charAt(j))) {
          j++;
        }
        String value = "";
        if (j < n && s.charAt(j) == '=') {
          j++;
          while (j < n && Character.isWhitespace(s.charAt(j))) {
            j++;
          }
          if (j < n && (s.charAt(j) == '"' || s.charAt(j) == '\'' || s.charAt(j) == '`')) {
            char q = s.charAt(j);
            int e = s.indexOf(q, j + 1);
            value = s.substring(j + 1, e < 0 ? n : e);
            j = e < 0 ? n : e + 1;
          } else {
            int e = j;
            while (e < n && !Character.isWhitespace(s.charAt(e)) && s.charAt(e) != '>') {
              e++;
            }
            value = s.substring(j, e);
            j = e;
          }
        }
        if (attr.startsWith("on") && attr.length() > 2) {
          return true;
        }
        if (URL_ATTRS.contains(attr) && (hasBadScheme(value) || attr.equals("style") || attr.equals("srcdoc"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean startsWithScheme(String s) {
    String t = s.strip();
    return t.startsWith("javascript:") || t.startsWith("vbscript:") || t.startsWith("data:text/html");
  }

  private static boolean hasBadScheme(String v) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c > ' ') {
        sb.append(c);
      }
    }
    String t = sb.toString();
    return t.contains("javascript:") || t.contains("vbscript:") || t.contains("livescript:")
        || t.contains("data:text/html") || t.contains("data:image/svg") || t.contains("data:application");
  }
}
