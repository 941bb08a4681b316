package dev.crossgate.waf.regex;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/** Chooses RE2/J when it accepts a pattern and the bounded java.util.regex engine otherwise. */
final class RegexCompiler {

  /** Steps (character reads) one java.util.regex search may make before it is abandoned. */
  static final long STEP_BUDGET = 2_000_000L;

  private RegexCompiler() {
  }

  /** {@code -Dcrossgate.waf.prefilter=false} compiles regexes without the literal prefilter. */
  static final boolean PREFILTER = !"false".equals(System.getProperty("crossgate.waf.prefilter"));

  /** Whether every prefilter rejection is checked against the regex (a test aid). */
  static volatile boolean verifyPrefilters;

  static WafRegex compile(String pattern, boolean caseInsensitive) {
    WafRegex regex = compileEngine(pattern, caseInsensitive);
    if (!PREFILTER) {
      return regex;
    }
    java.util.Set<String> literals = RequiredLiterals.of(pattern);
    if (literals == null) {
      return regex;
    }
    LiteralScanner scanner;
    try {
      scanner = new LiteralScanner(literals);
    } catch (IllegalArgumentException e) {
      return regex;
    }
    return new Prefiltered(regex, scanner);
  }

  private static WafRegex compileEngine(String pattern, boolean caseInsensitive) {
    int flags = com.google.re2j.Pattern.DOTALL | (caseInsensitive ? com.google.re2j.Pattern.CASE_INSENSITIVE : 0);
    try {
      com.google.re2j.Pattern p = com.google.re2j.Pattern.compile(pattern, flags);
      return new Re2(pattern, p);
    } catch (com.google.re2j.PatternSyntaxException e) {
      int jflags = java.util.regex.Pattern.DOTALL | (caseInsensitive ? java.util.regex.Pattern.CASE_INSENSITIVE : 0);
      try {
        return new Bounded(pattern, java.util.regex.Pattern.compile(toJava(pattern), jflags));
      } catch (PatternSyntaxException e2) {
        throw new IllegalArgumentException("invalid regular expression: " + e2.getDescription() + " in /" + pattern + "/", e2);
      }
    }
  }

  /**
   * PCRE and java.util.regex differ inside character classes: PCRE takes '[' literally (except
   * POSIX classes such as [:alpha:]), Java nests classes and treats "&&" as intersection.
   */
  static String toJava(String p) {
    StringBuilder sb = new StringBuilder(p.length() + 8);
    int n = p.length();
    boolean inClass = false;
    for (int i = 0; i < n; i++) {
      char c = p.charAt(i);
      if (c == '\\' && i + 1 < n) {
        sb.append(c).append(p.charAt(++i));
        continue;
      }
      if (!inClass) {
        if (c == '[') {
          inClass = true;
          sb.append(c);
          if (i + 1 < n && p.charAt(i + 1) == '^') {
            sb.append('^');
            i++;
          }
          if (i + 1 < n && p.charAt(i + 1) == ']') {
            sb.append("\\]");
            i++;
          }
          continue;
        }
        sb.append(c);
        continue;
      }
      if (c == ']') {
        inClass = false;
        sb.append(c);
      } else if (c == '[') {
        if (i + 1 < n && p.charAt(i + 1) == ':') {
          int end = p.indexOf(":]", i + 2);
          if (end > 0) {
            sb.append("\\p{").append(posix(p.substring(i + 2, end))).append('}');
            i = end + 1;
            continue;
          }
        }
        sb.append("\\[");
      } else if (c == '&' && i + 1 < n && p.charAt(i + 1) == '&') {
        sb.append("&\\&");
        i++;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String posix(String name) {
    return switch (name) {
      case "alpha" -> "Alpha";
      case "digit" -> "Digit";
      case "alnum" -> "Alnum";
      case "upper" -> "Upper";
      case "lower" -> "Lower";
      case "space" -> "Space";
      case "punct" -> "Punct";
      case "xdigit" -> "XDigit";
      case "cntrl" -> "Cntrl";
      case "print" -> "Print";
      case "graph" -> "Graph";
      case "blank" -> "Blank";
      default -> "ASCII";
    };
  }

  /**
   * A regex behind a literal prefilter: inputs that contain none of the pattern's required
   * literals cannot match, so the regex engine only runs on the others.
   */
  private record Prefiltered(WafRegex regex, LiteralScanner scanner) implements WafRegex {
    @Override
    public List<String> find(String input) {
      if (!scanner.foundIn(input)) {
        verifyRejection(input);
        return null;
      }
      return regex.find(input);
    }

    @Override
    public boolean matches(String input) {
      if (!scanner.foundIn(input)) {
        verifyRejection(input);
        return false;
      }
      return regex.matches(input);
    }

    private void verifyRejection(String input) {
      if (verifyPrefilters && regex.matches(input)) {
        throw new IllegalStateException("literal prefilter rejected a match of /"
            + regex.pattern() + "/ in: " + input);
      }
    }

    @Override
    public String pattern() {
      return regex.pattern();
    }

    @Override
    public boolean linear() {
      return regex.linear();
    }
  }

  private record Re2(String pattern, com.google.re2j.Pattern p) implements WafRegex {
    @Override
    public List<String> find(String input) {
      com.google.re2j.Matcher m = p.matcher(input);
      if (!m.find()) {
        return null;
      }
      int n = Math.min(m.groupCount(), 9);
      List<String> groups = new ArrayList<>(n + 1);
      for (int i = 0; i <= n; i++) {
        groups.add(m.group(i));
      }
      return groups;
    }

    @Override
    public boolean matches(String input) {
      return p.matcher(input).find();
    }

    @Override
    public boolean linear() {
      return true;
    }
  }

  private record Bounded(String pattern, java.util.regex.Pattern p) implements WafRegex {
    @Override
    public List<String> find(String input) {
      java.util.regex.Matcher m = p.matcher(new BudgetCharSequence(input, STEP_BUDGET));
      try {
        if (!m.find()) {
          return null;
        }
      } catch (BudgetCharSequence.BudgetExceeded | StackOverflowError e) {
        // too expensive for a backtracking engine: treated as no match, never as a hang
        return null;
      }
      int n = Math.min(m.groupCount(), 9);
      List<String> groups = new ArrayList<>(n + 1);
      for (int i = 0; i <= n; i++) {
        groups.add(m.group(i));
      }
      return groups;
    }

    @Override
    public boolean linear() {
      return false;
    }
  }
}
