package dev.crossgate.routing.route;

import java.util.Map;

/**
 * An immutable open-addressing hash table from strings to values that can be queried with a
 * region of a larger string, so that looking up every prefix of a path or every suffix of a host
 * allocates nothing. Callers pass the region's {@link String#hashCode()}-compatible hash, which
 * they maintain incrementally with {@link #INVERSE_31}.
 */
final class SubstringTable<V> {

  /**
   * The multiplicative inverse of 31 modulo 2<sup>32</sup>: {@code hash(s[0..i-1)) ==
   * (hash(s[0..i)) - s.charAt(i - 1)) * INVERSE_31}.
   */
  static final int INVERSE_31 = inverse(31);

  private final String[] keys;
  private final int[] hashes;
  private final Object[] values;
  private final int mask;
  private final int size;

  private SubstringTable(Map<String, V> map) {
    int capacity = 2;
    while (capacity < map.size() * 2) {
      capacity <<= 1;
    }
    keys = new String[capacity];
    hashes = new int[capacity];
    values = new Object[capacity];
    mask = capacity - 1;
    size = map.size();
    for (Map.Entry<String, V> e : map.entrySet()) {
      String key = e.getKey();
      int h = key.hashCode();
      int i = spread(h) & mask;
      while (keys[i] != null) {
        i = (i + 1) & mask;
      }
      keys[i] = key;
      hashes[i] = h;
      values[i] = e.getValue();
    }
  }

  static <V> SubstringTable<V> of(Map<String, V> map) {
    return new SubstringTable<>(map);
  }

  int size() {
    return size;
  }

  V get(String key) {
    return get(key, 0, key.length(), key.hashCode());
  }

  /**
   * The value whose key equals {@code s.substring(from, to)}, or null.
   *
   * @param hash the {@link String#hashCode()} of {@code s.substring(from, to)}
   */
  @SuppressWarnings("unchecked")
  V get(String s, int from, int to, int hash) {
    int length = to - from;
    int i = spread(hash) & mask;
    for (String key = keys[i]; key != null; key = keys[i]) {
      if (hashes[i] == hash && key.length() == length && s.regionMatches(from, key, 0, length)) {
        return (V) values[i];
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  /** {@code s.substring(from, to).hashCode()} without the substring. */
  static int hash(String s, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + s.charAt(i);
    }
    return h;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  private static int inverse(int odd) {
    int x = odd; // correct to 3 bits; each Newton step doubles the correct bits
    for (int i = 0; i < 5; i++) {
      x *= 2 - odd * x;
    }
    return x;
  }
}
