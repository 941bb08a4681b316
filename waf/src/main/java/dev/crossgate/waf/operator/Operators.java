package dev.crossgate.waf.operator;

import dev.crossgate.waf.detect.SqliDetector;
import dev.crossgate.waf.detect.XssDetector;
import dev.crossgate.waf.regex.WafRegex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Compiles SecLang operators by name. */
public final class Operators {

  private Operators() {
  }

  /**
   * Compiles {@code @name param}.
   *
   * @param baseDir directory of the rule file, for {@code @pmFromFile}
   * @throws IllegalArgumentException naming what was wrong
   */
  public static Operator compile(String name, String param, Path baseDir) {
    String p = param == null ? "" : param;
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "rx" -> rx(p);
      case "pm" -> new PhraseMatch(splitPhrases(p));
      case "pmf", "pmfromfile" -> new PhraseMatch(readPhrases(p, baseDir));
      case "streq" -> macro(p, (v, a) -> v.equals(a));
      case "beginswith" -> macro(p, (v, a) -> v.startsWith(a));
      case "endswith" -> macro(p, (v, a) -> v.endsWith(a));
      case "contains" -> macro(p, (v, a) -> v.contains(a));
      case "containsword" -> macro(p, Operators::containsWord);
      case "within" -> macro(p, (v, a) -> a.contains(v));
      case "strmatch" -> macro(p, (v, a) -> v.contains(a));
      case "eq" -> numeric(p, c -> c == 0);
      case "ge" -> numeric(p, c -> c >= 0);
      case "gt" -> numeric(p, c -> c > 0);
      case "le" -> numeric(p, c -> c <= 0);
      case "lt" -> numeric(p, c -> c < 0);
      case "validatebyterange" -> new ByteRange(p);
      case "validateurlencoding" -> (ctx, v) -> Validators.invalidUrlEncoding(v);
      case "validateutf8encoding" -> (ctx, v) -> Validators.invalidUtf8(v);
      case "ipmatch" -> new IpMatch(List.of(p.split("[,\\s]+")));
      case "ipmatchfromfile", "ipmatchf" -> new IpMatch(readPhrases(p, baseDir));
      case "unconditionalmatch" -> (ctx, v) -> true;
      case "nomatch" -> (ctx, v) -> false;
      case "detectsqli" -> (ctx, v) -> SqliDetector.isSqli(v);
      case "detectxss" -> (ctx, v) -> XssDetector.isXss(v);
      // Need network or external files; never match here.
      case "rbl", "geolookup", "inspectfile", "validatedtd", "validateschema", "verifycc", "verifycpf",
          "verifyssn", "fuzzyhash", "gsblookup", "rsub" -> (ctx, v) -> false;
      default -> throw new IllegalArgumentException("unknown operator @" + name);
    };
  }

  private static Operator rx(String p) {
    if (p.contains("%{")) {
      // macros in a pattern (CRS 3: ^%{tx.allowed_request_content_type_charset}$) are expanded per
      // transaction; compiled patterns are cached by their expanded text
      java.util.Map<String, WafRegex> cache = new java.util.concurrent.ConcurrentHashMap<>();
      return (ctx, v) -> {
        String expanded = ctx.expand(p);
        WafRegex re;
        try {
          re = cache.size() < 64 ? cache.computeIfAbsent(expanded, k -> WafRegex.compile(k, false))
              : WafRegex.compile(expanded, false);
        } catch (IllegalArgumentException e) {
          return false;
        }
        List<String> g = re.find(v);
        if (g == null) {
          return false;
        }
        ctx.captured(g);
        return true;
      };
    }
    WafRegex re = WafRegex.compile(p, false);
    return (ctx, v) -> {
      if (!ctx.captureWanted()) {
        return re.matches(v);
      }
      List<String> g = re.find(v);
      if (g == null) {
        return false;
      }
      ctx.captured(g);
      return true;
    };
  }

  private interface StrPredicate {
    boolean test(String value, String arg);
  }

  private static Operator macro(String p, StrPredicate pred) {
    if (p.contains("%{")) {
      return (ctx, v) -> pred.test(v, ctx.expand(p));
    }
    return (ctx, v) -> pred.test(v, p);
  }

  private interface CmpPredicate {
    boolean test(int cmp);
  }

  private static Operator numeric(String p, CmpPredicate pred) {
    return (ctx, v) -> {
      long a = toLong(v);
      long b = toLong(p.contains("%{") ? ctx.expand(p) : p);
      return pred.test(Long.compare(a, b));
    };
  }

  /** Parses a leading integer the way atoi does (0 when none). */
  static long toLong(String s) {
    String t = s.trim();
    int i = 0;
    boolean neg = false;
    if (i < t.length() && (t.charAt(i) == '-' || t.charAt(i) == '+')) {
      neg = t.charAt(i) == '-';
      i++;
    }
    long v = 0;
    while (i < t.length() && Character.isDigit(t.charAt(i)) && v < Long.MAX_VALUE / 10 - 10) {
      v = v * 10 + (t.charAt(i) - '0');
      i++;
    }
    return neg ? -v : v;
  }

  private static boolean containsWord(String v, String w) {
    if (w.isEmpty()) {
      return true;
    }
    int from = 0;
    while (true) {
      int i = v.indexOf(w, from);
      if (i < 0) {
        return false;
      }
      int e = i + w.length();
      boolean before = i == 0 || !Character.isLetterOrDigit(v.charAt(i - 1)) && v.charAt(i - 1) != '_';
      boolean after = e >= v.length() || !Character.isLetterOrDigit(v.charAt(e)) && v.charAt(e) != '_';
      if (before && after) {
        return true;
      }
      from = i + 1;
    }
  }

  static List<String> splitPhrases(String p) {
    List<String> out = new ArrayList<>();
    for (String s : p.trim().split("\\s+")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  static List<String> readPhrases(String p, Path baseDir) {
    List<String> out = new ArrayList<>();
    for (String f : splitPhrases(p)) {
      if (f.startsWith("http://") || f.startsWith("https://")) {
        throw new IllegalArgumentException("remote data files are not supported: " + f);
      }
      Path file = baseDir == null ? Path.of(f) : baseDir.resolve(f);
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
          String t = line.trim();
          if (!t.isEmpty() && !t.startsWith("#")) {
            out.add(t);
          }
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read data file " + file + ": " + e.getMessage(), e);
      }
    }
    return out;
  }
}
