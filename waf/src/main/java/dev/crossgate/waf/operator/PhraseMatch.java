package dev.crossgate.waf.operator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** @pm / @pmFromFile: case-insensitive multi-phrase search over a trie (Aho-Corasick without fail links). */
final class PhraseMatch implements Operator {

  private static final class Node {
    final Map<Character, Node> next = new HashMap<>(4);
    String terminal;
  }

  private final Node root = new Node();

  PhraseMatch(List<String> phrases) {
    for (String p : phrases) {
      Node n = root;
      for (int i = 0; i < p.length(); i++) {
        n = n.next.computeIfAbsent(lower(p.charAt(i)), k -> new Node());
      }
      n.terminal = p;
    }
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  @Override
  public boolean evaluate(OperatorContext ctx, String v) {
    int n = v.length();
    for (int start = 0; start < n; start++) {
      Node node = root;
      for (int i = start; i < n; i++) {
        node = node.next.get(lower(v.charAt(i)));
        if (node == null) {
          break;
        }
        if (node.terminal != null) {
          ctx.captured(List.of(node.terminal));
          return true;
        }
      }
    }
    return false;
  }
}
