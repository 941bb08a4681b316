package dev.crossgate.waf.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** An ordered multimap collection such as ARGS or REQUEST_HEADERS; keys compare case-insensitively. */
final class Collection {

  record Entry(String key, String value) {
  }

  final String name;
  final List<Entry> entries = new ArrayList<>();

  Collection(String name) {
    this.name = name;
  }

  void add(String key, String value) {
    entries.add(new Entry(key, value));
  }

  void put(String key, String value) {
    remove(key);
    entries.add(new Entry(key, value));
  }

  void remove(String key) {
    entries.removeIf(e -> e.key.equalsIgnoreCase(key));
  }

  String first(String key) {
    String lk = key.toLowerCase(Locale.ROOT);
    for (Entry e : entries) {
      if (e.key.equalsIgnoreCase(lk)) {
        return e.value;
      }
    }
    return null;
  }
}
