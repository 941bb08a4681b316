package dev.crossgate.policy.server.store;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.model.Resource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Equality-based label selection, written {@code app=shop,tier=web}: a resource matches when it
 * carries every listed label with the listed value.
 *
 * @param labels label name → required value; empty matches everything
 */
public record LabelSelector(Map<String, String> labels) {

  /** The selector that matches every resource. */
  public static final LabelSelector ALL = new LabelSelector(Map.of());

  public LabelSelector {
    labels = Map.copyOf(requireNonNull(labels, "labels"));
  }

  /**
   * Parses {@code a=b,c=d}; blank text selects everything.
   *
   * @throws IllegalArgumentException naming the bad term
   */
  public static LabelSelector parse(String text) {
    if (text == null || text.isBlank()) {
      return ALL;
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (String term : text.split(",")) {
      int eq = term.indexOf('=');
      String name = eq < 0 ? "" : term.substring(0, eq).trim();
      if (name.isEmpty()) {
        throw new IllegalArgumentException(
            "labelSelector: " + term.trim() + " (expected: name=value[,name=value...])");
      }
      labels.put(name, term.substring(eq + 1).trim());
    }
    return new LabelSelector(labels);
  }

  /** Whether the resource carries every selected label. */
  public boolean matches(Resource resource) {
    Map<String, String> present = resource.metadata().labels();
    return labels.entrySet().stream()
        .allMatch(e -> e.getValue().equals(present.get(e.getKey())));
  }
}
