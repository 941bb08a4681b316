package dev.crossgate.policy.model;

import java.lang.reflect.RecordComponent;
import java.util.List;

/** Reads the accepted values of a record component from its {@link Doc} annotation. */
public final class AllowedValues {

  private AllowedValues() {}

  /**
   * The values {@code component} of {@code type} accepts, in documented order.
   *
   * @throws IllegalArgumentException when the component does not exist or lists no values; a
   *     programming error caught by the tests
   */
  public static List<String> of(Class<? extends Record> type, String component) {
    for (RecordComponent candidate : type.getRecordComponents()) {
      if (candidate.getName().equals(component)) {
        Doc doc = candidate.getAnnotation(Doc.class);
        if (doc == null || doc.allowed().length == 0) {
          break;
        }
        return List.of(doc.allowed());
      }
    }
    throw new IllegalArgumentException(
        type.getSimpleName() + "." + component + ": no @Doc(allowed = ...) (expected: a documented value set)");
  }
}
