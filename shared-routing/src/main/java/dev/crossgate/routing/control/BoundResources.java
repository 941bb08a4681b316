package dev.crossgate.routing.control;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.validation.ValidationOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads snapshots, binding only the resources that changed since the last snapshot loaded: a
 * resource whose JSON text is the same as before is reused as it was bound. The last snapshot
 * loaded validated, so only the changed resources and what they can affect are validated again
 * ({@link PolicyLoader#loadChange}): a snapshot is accepted exactly when a full load accepts it.
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
    List<String> texts = elements(json);
    if (texts == null) {
      // Not an array of objects (or not JSON): the full loader says precisely what is wrong.
      return PolicyLoader.loadString(source, json, validation);
    }
    return load(source, texts, json);
  }

  /**
   * Loads a snapshot's resources given one by one (each one JSON object's text, as a delta
   * carried them) as {@code source}: the same result as {@link #load(String, String)} of their
   * JSON array, without parsing the whole array to split it.
   */
  synchronized LoadResult load(String source, List<String> texts) {
    return load(source, texts, null);
  }

  /** {@code json}: the whole array's text when known, else null (joined only if needed). */
  private LoadResult load(String source, List<String> texts, String json) {
    List<Resource> known = new ArrayList<>();
    List<String> freshTexts = new ArrayList<>();
    for (String text : texts) {
      Resource resource = byText.get(text);
      if (resource != null) {
        known.add(resource);
      } else {
        freshTexts.add(text);
      }
    }
    LoadResult result = PolicyLoader.loadChange(source, "[" + String.join(",", freshTexts) + "]",
        validation, known, replaced(known));
    if (!result.ok()) {
      return result;
    }
    List<Resource> loaded = result.bundle().resources();
    if (loaded.size() != texts.size() || freshTexts.size() + known.size() != texts.size()) {
      return PolicyLoader.loadString(source, json != null ? json : "[" + String.join(",", texts)
          + "]", validation);
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

  /**
   * The refs of the last snapshot's resources that {@code known} no longer holds (changed or
   * removed). The last snapshot loaded validated, so only the change needs checking again.
   */
  private Set<String> replaced(List<Resource> known) {
    Set<Resource> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    kept.addAll(known);
    Set<String> replaced = new HashSet<>();
    for (Resource previous : byText.values()) {
      if (!kept.contains(previous) && previous.metadata() != null) {
        replaced.add(previous.ref());
      }
    }
    return replaced;
  }

  /**
   * The text of each element of a JSON array of objects, as it appears in {@code json}, found
   * with the streaming parser (no tree is built); null when {@code json} is anything else.
   */
  static List<String> elements(String json) {
    List<String> texts = new ArrayList<>();
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        return null;
      }
      for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY;
          token = parser.nextToken()) {
        if (token != JsonToken.START_OBJECT) {
          return null;
        }
        int start = (int) parser.currentTokenLocation().getCharOffset();
        parser.skipChildren();
        int end = (int) parser.currentLocation().getCharOffset();
        texts.add(json.substring(start, end));
      }
      return parser.nextToken() == null ? texts : null;
    } catch (IOException e) {
      return null;
    }
  }
}
