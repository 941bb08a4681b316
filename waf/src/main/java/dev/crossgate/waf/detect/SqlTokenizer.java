package dev.crossgate.waf.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * libinjection-style SQL tokenizer: turns input into token types (s string, n number, k keyword,
 * U union, E statement, f function, o operator, &amp; logic, ( ) , ; c comment, v variable, 1 bareword).
 */
final class SqlTokenizer {

  private static final Map<String, Character> WORDS = Map.ofEntries(
      Map.entry("select", 'E'), Map.entry("insert", 'E'), Map.entry("update", 'E'), Map.entry("delete", 'E'),
      Map.entry("drop", 'E'), Map.entry("exec", 'E'), Map.entry("execute", 'E'), Map.entry("declare", 'E'),
      Map.entry("create", 'E'), Map.entry("alter", 'E'), Map.entry("truncate", 'E'), Map.entry("shutdown", 'E'),
      Map.entry("waitfor", 'E'), Map.entry("union", 'U'), Map.entry("and", '&'), Map.entry("or", '&'),
      Map.entry("xor", '&'), Map.entry("not", 'o'), Map.entry("like", 'o'), Map.entry("rlike", 'o'),
      Map.entry("regexp", 'o'), Map.entry("is", 'o'), Map.entry("in", 'o'), Map.entry("between", 'o'),
      Map.entry("div", 'o'), Map.entry("mod", 'o'), Map.entry("sounds", 'o'), Map.entry("from", 'k'),
      Map.entry("where", 'k'), Map.entry("having", 'k'), Map.entry("limit", 'k'), Map.entry("order", 'B'),
      Map.entry("group", 'B'), Map.entry("by", 'k'), Map.entry("into", 'k'), Map.entry("values", 'k'),
      Map.entry("table", 'k'), Map.entry("all", 'k'), Map.entry("distinct", 'k'), Map.entry("null", 'v'),
      Map.entry("true", '1'), Map.entry("false", '1'), Map.entry("case", 'E'), Map.entry("when", 'k'),
      Map.entry("then", 'k'), Map.entry("else", 'k'), Map.entry("end", 'k'), Map.entry("procedure", 'k'),
      Map.entry("outfile", 'k'), Map.entry("dumpfile", 'k'), Map.entry("load_file", 'f'), Map.entry("sleep", 'f'),
      Map.entry("benchmark", 'f'), Map.entry("char", 'f'), Map.entry("concat", 'f'), Map.entry("version", 'f'),
      Map.entry("user", 'f'), Map.entry("database", 'f'), Map.entry("substring", 'f'), Map.entry("ascii", 'f'),
      Map.entry("count", 'f'), Map.entry("pg_sleep", 'f'), Map.entry("delay", 'k'), Map.entry("if", 'f'),
      Map.entry("ifnull", 'f'), Map.entry("cast", 'f'), Map.entry("convert", 'f'), Map.entry("md5", 'f'),
      Map.entry("extractvalue", 'f'), Map.entry("updatexml", 'f'), Map.entry("group_concat", 'f'),
      Map.entry("information_schema", 'k'), Map.entry("sysobjects", 'k'), Map.entry("xp_cmdshell", 'f'));

  private SqlTokenizer() {
  }

  /** Tokenizes {@code s}; {@code quote} is the quote context (0, '\'' or '"') the input starts in. */
  static List<Character> tokenize(String s, char quote, int max) {
    List<Character> out = new ArrayList<>();
    int n = s.length();
    int i = 0;
    if (quote != 0) {
      int e = s.indexOf(quote);
      out.add('s');
      i = e < 0 ? n : e + 1;
    }
    while (i < n && out.size() < max) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c) || c == 0xa0 || c == 0) {
        i++;
      } else if (c == '\'' || c == '"' || c == '`') {
        int e = s.indexOf(c, i + 1);
        out.add(c == '`' ? 'n' : 's');
        i = e < 0 ? n : e + 1;
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int e = s.indexOf("*/", i + 2);
        if (e < 0 || i + 2 < n && s.charAt(i + 2) == '!') {
          if (e < 0) {
            out.add('c');
            i = n;
          } else {
            i += 3;
          }
        } else {
          i = e + 2;
        }
      } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-' || c == '#') {
        out.add('c');
        int e = s.indexOf('\n', i);
        i = e < 0 ? n : e + 1;
      } else if (Character.isDigit(c) || c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1))) {
        int e = i + 1;
        while (e < n && (Character.isLetterOrDigit(s.charAt(e)) || s.charAt(e) == '.')) {
          e++;
        }
        out.add('1');
        i = e;
      } else if (Character.isLetter(c) || c == '_' || c == '$' || c == '@') {
        int e = i + 1;
        while (e < n && (Character.isLetterOrDigit(s.charAt(e)) || s.charAt(e) == '_' || s.charAt(e) == '$'
            || s.charAt(e) == '@' || s.charAt(e) == '.')) {
          e++;
        }
        String w = s.substring(i, e).toLowerCase(Locale.ROOT);
        Character t = c == '@' ? Character.valueOf('v') : WORDS.get(w);
        if (t == null) {
          int k = e;
          while (k < n && Character.isWhitespace(s.charAt(k))) {
            k++;
          }
          t = k < n && s.charAt(k) == '(' ? 'f' : 'n';
        }
        out.add(t);
        i = e;
      } else if (c == '(' || c == ')' || c == ',' || c == ';') {
        out.add(c);
        i++;
      } else if (c == '|' && i + 1 < n && s.charAt(i + 1) == '|' || c == '&' && i + 1 < n && s.charAt(i + 1) == '&') {
        out.add('&');
        i += 2;
      } else if ("=<>!+-*/%^|&~:".indexOf(c) >= 0) {
        int e = i + 1;
        while (e < n && "=<>!|&".indexOf(s.charAt(e)) >= 0) {
          e++;
        }
        out.add('o');
        i = e;
      } else {
        i++;
      }
    }
    return out;
  }
}
