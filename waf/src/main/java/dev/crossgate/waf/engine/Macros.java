package dev.crossgate.waf.engine;

/** Expands {@code %{tx.name}}, {@code %{MATCHED_VAR}}, {@code %{rule.id}}, {@code %{REQUEST_HEADERS.host}}. */
final class Macros {

  private Macros() {
  }

  static String expand(String text, Transaction tx) {
    int at = text.indexOf("%{");
    if (at < 0) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length() + 16);
    int i = 0;
    while (at >= 0) {
      int end = text.indexOf('}', at + 2);
      if (end < 0) {
        break;
      }
      sb.append(text, i, at);
      sb.append(resolve(text.substring(at + 2, end).trim(), tx));
      i = end + 1;
      at = text.indexOf("%{", i);
    }
    sb.append(text, i, text.length());
    return sb.toString();
  }

  private static String resolve(String name, Transaction tx) {
    int dot = name.indexOf('.');
    int colon = name.indexOf(':');
    int sep = dot < 0 ? colon : colon < 0 ? dot : Math.min(dot, colon);
    String coll = (sep < 0 ? name : name.substring(0, sep)).toUpperCase(java.util.Locale.ROOT);
    String key = sep < 0 ? null : name.substring(sep + 1);
    if (coll.equals("RULE")) {
      return tx.ruleField(key == null ? "" : key.toLowerCase(java.util.Locale.ROOT));
    }
    String v = tx.vars().first(coll, key);
    return v == null ? "" : v;
  }
}
