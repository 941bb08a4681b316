package dev.crossgate.waf.regex;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Extracts from a PCRE/RE2 pattern a set of literal strings of which every match must contain
 * at least one (compared with ASCII letters folded to lower case), so that most inputs can skip
 * the regex. The analysis is conservative: whatever it does not understand (classes, escapes
 * for character types, non-ASCII characters, lookarounds, backreferences, the {@code x} flag)
 * counts as "any character", and when no useful set exists the result is null.
 */
final class RequiredLiterals {

  /** Cross products of alternatives are kept up to this many strings. */
  private static final int MAX_EXACT = 64;

  /** A requirement is dropped when it would hold more strings than this. */
  private static final int MAX_REQUIRED = 4096;

  private final String p;
  private int i;

  private RequiredLiterals(String pattern) {
    this.p = pattern;
  }

  /** What a node of the pattern tells about its matches. */
  private record Info(Set<String> required, Set<String> exact) {
    static final Info ANY = new Info(null, null);
  }

  private static final class Unsupported extends RuntimeException {
    Unsupported() {
      super(null, null, false, false);
    }
  }

  /** The required literals (lower-case ASCII, non-empty), or null when none can be derived. */
  static Set<String> of(String pattern) {
    try {
      RequiredLiterals parser = new RequiredLiterals(pattern);
      Info info = parser.alternation();
      if (parser.i != pattern.length()) {
        return null; // an unbalanced ')': let the regex engine judge
      }
      Set<String> required = best(info);
      return required == null || required.isEmpty() ? null : required;
    } catch (Unsupported | IndexOutOfBoundsException e) {
      return null;
    }
  }

  private static Set<String> best(Info info) {
    Set<String> exact = usable(info.exact());
    Set<String> required = info.required();
    return better(exact, required) ? exact : required;
  }

  /** An exact set is a requirement only when none of its strings is empty. */
  private static Set<String> usable(Set<String> exact) {
    if (exact == null || exact.isEmpty() || exact.contains("")) {
      return null;
    }
    return exact;
  }

  private static boolean better(Set<String> a, Set<String> b) {
    if (a == null) {
      return false;
    }
    if (b == null) {
      return true;
    }
    int ma = minLength(a);
    int mb = minLength(b);
    return ma != mb ? ma > mb : a.size() < b.size();
  }

  private static int minLength(Set<String> set) {
    int min = Integer.MAX_VALUE;
    for (String s : set) {
      min = Math.min(min, s.length());
    }
    return min;
  }

  private Info alternation() {
    Info first = sequence();
    if (i >= p.length() || p.charAt(i) != '|') {
      return first;
    }
    Set<String> required = new HashSet<>(best(first) == null ? Set.of() : best(first));
    boolean anyRequired = best(first) == null;
    Set<String> exact = first.exact() == null ? null : new LinkedHashSet<>(first.exact());
    while (i < p.length() && p.charAt(i) == '|') {
      i++;
      Info next = sequence();
      Set<String> nextRequired = best(next);
      if (nextRequired == null) {
        anyRequired = true;
      } else if (!anyRequired) {
        required.addAll(nextRequired);
      }
      if (exact != null && next.exact() != null && exact.size() + next.exact().size() <= MAX_EXACT) {
        exact.addAll(next.exact());
      } else {
        exact = null;
      }
    }
    if (anyRequired || required.size() > MAX_REQUIRED) {
      required = null;
    }
    return new Info(required, exact);
  }

  /** A concatenation, up to '|' or ')' or the end. */
  private Info sequence() {
    Set<String> run = new LinkedHashSet<>(Set.of("")); // cross product of exact items so far
    Set<String> bestRequired = null;
    boolean allExact = true;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '|' || c == ')') {
        break;
      }
      Info item = quantified(atom());
      if (item == null) {
        continue; // zero-width and transparent: inline flags
      }
      if (item.exact() != null && run != null && run.size() * item.exact().size() <= MAX_EXACT) {
        Set<String> product = new LinkedHashSet<>();
        for (String a : run) {
          for (String b : item.exact()) {
            product.add(a + b);
          }
        }
        run = product;
        continue;
      }
      // the run ends here: it and the item are candidate requirements
      Set<String> runRequired = usable(run);
      if (better(runRequired, bestRequired)) {
        bestRequired = runRequired;
      }
      Set<String> itemRequired = best(item);
      if (better(itemRequired, bestRequired)) {
        bestRequired = itemRequired;
      }
      allExact = false;
      run = item.exact() == null ? new LinkedHashSet<>(Set.of("")) : item.exact();
    }
    Set<String> runRequired = usable(run);
    if (better(runRequired, bestRequired)) {
      bestRequired = runRequired;
    }
    return new Info(bestRequired, allExact ? run : null);
  }

  private Info quantified(Info atom) {
    if (i >= p.length() || atom == null) {
      return atom;
    }
    char c = p.charAt(i);
    int min;
    if (c == '*' || c == '?') {
      i++;
      min = 0;
    } else if (c == '+') {
      i++;
      min = 1;
    } else if (c == '{') {
      int close = p.indexOf('}', i);
      String body = close < 0 ? "" : p.substring(i + 1, close);
      if (!body.matches("\\d+(,\\d*)?")) {
        return atom; // a literal '{', handled as the next atom
      }
      i = close + 1;
      min = Integer.parseInt(body.contains(",") ? body.substring(0, body.indexOf(',')) : body);
    } else {
      return atom;
    }
    if (i < p.length() && (p.charAt(i) == '?' || p.charAt(i) == '+')) {
      i++; // lazy or possessive
    }
    if (min == 0) {
      return Info.ANY;
    }
    return new Info(best(atom), null);
  }

  /** One atom; null for something zero-width that does not split literals (inline flags). */
  private Info atom() {
    char c = p.charAt(i);
    switch (c) {
      case '(' -> {
        return group();
      }
      case '[' -> {
        skipClass();
        return Info.ANY;
      }
      case '.', '^', '$' -> {
        i++;
        return Info.ANY;
      }
      case '\\' -> {
        return escape();
      }
      case '*', '+', '?' -> throw new Unsupported(); // a quantifier without an atom
      default -> {
        i++;
        return literal(c);
      }
    }
  }

  private static Info literal(int c) {
    if (c >= 128) {
      return Info.ANY; // case folding of non-ASCII letters is not modelled
    }
    char lower = c >= 'A' && c <= 'Z' ? (char) (c + 32) : (char) c;
    Set<String> one = Set.of(String.valueOf(lower));
    return new Info(one, one);
  }

  private Info escape() {
    i++; // the backslash
    char c = p.charAt(i++);
    switch (c) {
      case 't' -> {
        return literal('\t');
      }
      case 'n' -> {
        return literal('\n');
      }
      case 'r' -> {
        return literal('\r');
      }
      case 'f' -> {
        return literal('\f');
      }
      case 'a' -> {
        return literal(7);
      }
      case 'e' -> {
        return literal(27);
      }
      case 'x' -> {
        int value;
        if (p.charAt(i) == '{') {
          int close = p.indexOf('}', i);
          value = Integer.parseInt(p.substring(i + 1, close), 16);
          i = close + 1;
        } else {
          value = Integer.parseInt(p.substring(i, i + 2), 16);
          i += 2;
        }
        return literal(value);
      }
      case 'Q' -> {
        int end = p.indexOf("\\E", i);
        String text = end < 0 ? p.substring(i) : p.substring(i, end);
        i = end < 0 ? p.length() : end + 2;
        Info result = new Info(null, Set.of(""));
        for (int k = 0; k < text.length(); k++) {
          Info ch = literal(text.charAt(k));
          if (ch.exact() == null) {
            return Info.ANY;
          }
          result = new Info(null, Set.of(result.exact().iterator().next() + ch.exact().iterator().next()));
        }
        return new Info(usable(result.exact()), result.exact());
      }
      case 'p', 'P' -> {
        if (p.charAt(i) == '{') {
          i = p.indexOf('}', i) + 1;
        } else {
          i++;
        }
        return Info.ANY;
      }
      case 'c' -> {
        i++;
        return Info.ANY;
      }
      default -> {
        if (Character.isLetterOrDigit(c)) {
          return Info.ANY; // \d \w \s \b \1 … : a class, an assertion or a backreference
        }
        return literal(c);
      }
    }
  }

  private void skipClass() {
    i++; // '['
    if (p.charAt(i) == '^') {
      i++;
    }
    if (p.charAt(i) == ']') {
      i++;
    }
    while (true) {
      char c = p.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == '[' && p.charAt(i + 1) == ':') {
        int end = p.indexOf(":]", i + 2);
        i = end < 0 ? i + 1 : end + 2;
      } else if (c == ']') {
        i++;
        return;
      } else {
        i++;
      }
    }
  }

  private Info group() {
    i++; // '('
    boolean zeroWidth = false;
    if (p.charAt(i) == '?') {
      i++;
      char c = p.charAt(i);
      if (c == ':' || c == '>' || c == '|') {
        i++;
      } else if (c == '=' || c == '!') {
        i++;
        zeroWidth = true;
      } else if (c == '<' && (p.charAt(i + 1) == '=' || p.charAt(i + 1) == '!')) {
        i += 2;
        zeroWidth = true;
      } else if (c == 'P' && p.charAt(i + 1) == '<' || c == '<' || c == '\'') {
        char close = c == '\'' ? '\'' : '>';
        i = p.indexOf(close, i + (c == 'P' ? 2 : 1)) + 1;
        if (i == 0) {
          throw new Unsupported();
        }
      } else if (c == '#') {
        i = p.indexOf(')', i) + 1;
        if (i == 0) {
          throw new Unsupported();
        }
        return null;
      } else {
        // inline flags: (?i) (?-s) or (?i: ... )
        int start = i;
        while (i < p.length() && (Character.isLetter(p.charAt(i)) || p.charAt(i) == '-')) {
          i++;
        }
        String flags = p.substring(start, i);
        if (flags.isEmpty() || flags.indexOf('x') >= 0) {
          throw new Unsupported(); // recursion, conditionals, extended syntax
        }
        if (p.charAt(i) == ')') {
          i++;
          return null;
        }
        if (p.charAt(i) != ':') {
          throw new Unsupported();
        }
        i++;
      }
    }
    Info inner = alternation();
    if (p.charAt(i) != ')') {
      throw new Unsupported();
    }
    i++;
    return zeroWidth ? Info.ANY : inner;
  }
}
