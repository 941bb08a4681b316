package dev.crossgate.routing.authz;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A read-only map whose contents are built by a supplier on first use: the CEL value of
 * {@code request.headers} and {@code request.query}, which costs a copy of every header or a
 * parse of the query when read and nothing when no expression reads it.
 */
final class OnDemandMap<K, V> extends AbstractMap<K, V> {

  private final Supplier<Map<K, V>> supplier;
  private Map<K, V> map;

  OnDemandMap(Supplier<Map<K, V>> supplier) {
    this.supplier = supplier;
  }

  private Map<K, V> map() {
    if (map == null) {
      map = supplier.get();
    }
    return map;
  }

  @Override
  public V get(Object key) {
    return map().get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return map().containsKey(key);
  }

  @Override
  public int size() {
    return map().size();
  }

  @Override
  public boolean isEmpty() {
    return map().isEmpty();
  }

  @Override
  public Set<K> keySet() {
    return map().keySet();
  }

  @Override
  public Collection<V> values() {
    return map().values();
  }

  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    return map().entrySet();
  }

  @Override
  public boolean equals(Object other) {
    return map().equals(other);
  }

  @Override
  public int hashCode() {
    return map().hashCode();
  }
}
