package dev.crossgate.waf.regex;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Tells in one pass whether a text contains any of a set of lower-case ASCII literals, with
 * ASCII letters of the text folded to lower case (and the two non-ASCII characters that
 * Unicode case folding maps onto ASCII letters, KELVIN SIGN and LONG S, folded too). An
 * Aho-Corasick automaton turned into a transition table over the literals' own alphabet.
 */
final class LiteralScanner {

  private final byte[] classOf = new byte[128];
  private final int classes;
  private final int[] table; // state * classes + class -> next state, negative when accepting

  LiteralScanner(Set<String> literals) {
    int next = 1; // class 0: a character no literal contains
    for (String literal : literals) {
      for (int k = 0; k < literal.length(); k++) {
        char c = literal.charAt(k);
        if (classOf[c] == 0) {
          classOf[c] = (byte) next++;
        }
      }
    }
    if (next > 127) {
      throw new IllegalArgumentException("too many distinct characters");
    }
    classes = next;
    // the trie
    List<int[]> go = new ArrayList<>();
    List<Boolean> accepting = new ArrayList<>();
    go.add(new int[classes]);
    accepting.add(false);
    for (String literal : literals) {
      int state = 0;
      for (int k = 0; k < literal.length(); k++) {
        int cls = classOf[literal.charAt(k)];
        if (go.get(state)[cls] == 0) {
          go.add(new int[classes]);
          accepting.add(false);
          go.get(state)[cls] = go.size() - 1;
        }
        state = go.get(state)[cls];
      }
      accepting.set(state, true);
    }
    // failure links, breadth first, folded into a complete transition table
    int states = go.size();
    int[] fail = new int[states];
    boolean[] accepts = new boolean[states];
    for (int s = 0; s < states; s++) {
      accepts[s] = accepting.get(s);
    }
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    int[] root = go.get(0);
    root[0] = 0;
    for (int cls = 0; cls < classes; cls++) {
      if (root[cls] != 0) {
        fail[root[cls]] = 0;
        queue.add(root[cls]);
      }
    }
    while (!queue.isEmpty()) {
      int s = queue.poll();
      accepts[s] |= accepts[fail[s]];
      int[] row = go.get(s);
      for (int cls = 0; cls < classes; cls++) {
        int t = row[cls];
        if (t != 0 && cls != 0) {
          fail[t] = go.get(fail[s])[cls];
          queue.add(t);
        } else {
          row[cls] = go.get(fail[s])[cls];
        }
      }
    }
    table = new int[states * classes];
    for (int s = 0; s < states; s++) {
      int[] row = go.get(s);
      for (int cls = 0; cls < classes; cls++) {
        int t = row[cls];
        table[s * classes + cls] = accepts[t] ? -1 : t;
      }
    }
  }

  /** Whether {@code text} contains one of the literals. */
  boolean foundIn(CharSequence text) {
    int state = 0;
    int n = text.length();
    for (int k = 0; k < n; k++) {
      char c = text.charAt(k);
      int cls;
      if (c < 128) {
        cls = classOf[c >= 'A' && c <= 'Z' ? c + 32 : c];
      } else if (c == '\u212A') {
        cls = classOf['k'];
      } else if (c == '\u017F') {
        cls = classOf['s'];
      } else {
        cls = 0;
      }
      state = table[state * classes + cls];
      if (state < 0) {
        return true;
      }
    }
    return false;
  }
}
