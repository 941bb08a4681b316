package dev.crossgate.routing.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.validation.ValidationOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads snapshots, binding only the resources that changed since the last snapshot loaded: a
 * resource whose JSON text is the same as before is reused as it was bound. The whole bundle is
 * still validated every time, so a snapshot is accepted exactly when a full load accepts it.
 * Thread-safe (one load at a time).
 */
final class BoundResources {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ValidationOptions validation;
  private Map<String, Resource> byText = Map.of();

  BoundResources(ValidationOptions validation) {
    this.validation = validation;
  }

  /** Loads {@code json} (a snapshot's JSON array of resources) as {@code source}. */
  synchronized LoadResult load(String source, String json) {
    JsonNode parsed;
    try {
      parsed = JSON.readTree(json);
    } catch (IOException e) {
      parsed = null;
    }
    if (!(parsed instanceof ArrayNode array)) {
      // Not an array (or not JSON): the full loader says precisely what is wrong.
      return PolicyLoader.loadString(source, json, validation);
    }
    List<String> texts = new ArrayList<>(array.size());
    List<Resource> known = new ArrayList<>();
    ArrayNode fresh = JSON.createArrayNode();
    List<String> freshTexts = new ArrayList<>();
    for (JsonNode element : array) {
      String text = element.toString();
      texts.add(text);
      Resource resource = byText.get(text);
      if (resource != null) {
        known.add(resource);
      } else {
        fresh.add(element);
        freshTexts.add(text);
      }
    }
    LoadResult result = PolicyLoader.loadString(source, fresh.toString(), validation, known);
    if (!result.ok()) {
      return result;
    }
    List<Resource> loaded = result.bundle().resources();
    if (loaded.size() != texts.size() || freshTexts.size() + known.size() != texts.size()) {
      return PolicyLoader.loadString(source, json, validation);
    }
    Map<String, Resource> next = new HashMap<>(texts.size() * 2);
    for (int i = 0; i < freshTexts.size(); i++) {
      next.put(freshTexts.get(i), loaded.get(i));
    }
    List<Resource> ordered = new ArrayList<>(texts.size());
    for (String text : texts) {
      Resource resource = next.computeIfAbsent(text, byText::get);
      ordered.add(resource);
    }
    byText = next; // only what this snapshot holds
    return LoadResult.of(new PolicyBundle(ordered));
  }
}
