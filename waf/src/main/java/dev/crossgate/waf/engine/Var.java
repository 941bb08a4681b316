package dev.crossgate.waf.engine;

/**
 * One resolved variable value.
 *
 * @param collection collection name (upper case)
 * @param key key within the collection, null for scalars
 * @param value the value (byte string)
 */
public record Var(String collection, String key, String value) {

  /** Full name as ModSecurity prints it, e.g. {@code ARGS:id}. */
  public String fullName() {
    return key == null ? collection : collection + ":" + key;
  }
}
