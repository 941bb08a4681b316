package dev.crossgate.routing.route;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The routes of one host bucket, indexed by path: a hash table for {@code Exact} paths, a list
 * for {@code RegularExpression} paths, and a hash table of prefixes for {@code PathPrefix} that
 * is probed once per path element of the request, longest first.
 *
 * <p>Exact and prefix lookups cost O(path length), independent of the number of routes. Regular
 * expressions are tried one after the other, so their cost grows linearly with the number of
 * regex routes in the bucket; keep them few.
 */
final class PathIndex<T> {

  private final SubstringTable<CompiledRoute<T>[]> exact;
  private final CompiledRoute<T>[] regex;
  private final SubstringTable<CompiledRoute<T>[]> prefix;

  private PathIndex(
      SubstringTable<CompiledRoute<T>[]> exact,
      CompiledRoute<T>[] regex,
      SubstringTable<CompiledRoute<T>[]> prefix) {
    this.exact = exact;
    this.regex = regex;
    this.prefix = prefix;
  }

  static <T> PathIndex<T> of(List<CompiledRoute<T>> routes) {
    Map<String, List<CompiledRoute<T>>> exact = new HashMap<>();
    List<CompiledRoute<T>> regex = new ArrayList<>();
    Map<String, List<CompiledRoute<T>>> prefix = new HashMap<>();
    for (CompiledRoute<T> route : routes) {
      switch (route.pathType) {
        case EXACT:
          exact.computeIfAbsent(route.pathKey, k -> new ArrayList<>()).add(route);
          break;
        case REGEX:
          regex.add(route);
          break;
        default:
          prefix.computeIfAbsent(route.pathKey, k -> new ArrayList<>()).add(route);
      }
    }
    return new PathIndex<>(sorted(exact), toSortedArray(regex), sorted(prefix));
  }

  private static <T> SubstringTable<CompiledRoute<T>[]> sorted(
      Map<String, List<CompiledRoute<T>>> groups) {
    Map<String, CompiledRoute<T>[]> sorted = new HashMap<>();
    groups.forEach((path, list) -> sorted.put(path, toSortedArray(list)));
    return SubstringTable.of(sorted);
  }

  @SuppressWarnings("unchecked")
  private static <T> CompiledRoute<T>[] toSortedArray(List<CompiledRoute<T>> list) {
    CompiledRoute<T>[] array = (CompiledRoute<T>[]) list.toArray(new CompiledRoute<?>[0]);
    Arrays.sort(array, CompiledRoute.PRECEDENCE);
    return array;
  }

  /** The first matching entry in precedence order, or null. */
  RouteEntry<T> match(RequestView request, String path) {
    RouteEntry<T> hit = first(exact.get(path), request);
    if (hit != null) {
      return hit;
    }
    if (regex.length > 0) {
      for (CompiledRoute<T> route : regex) {
        if (route.pathPattern.matcher(path).matches() && route.matchesConditions(request)) {
          return route.entry;
        }
      }
    }
    if (prefix.size() == 0) {
      return null;
    }
    // Walk the path's element boundaries from the longest prefix to the root, keeping the hash
    // of path[0..i) up to date by removing one character at a time.
    int hash = path.hashCode();
    for (int i = path.length(); i >= 0; i--) {
      if (i == path.length() || path.charAt(i) == '/') {
        hit = first(prefix.get(path, 0, i, hash), request);
        if (hit != null) {
          return hit;
        }
      }
      if (i > 0) {
        hash = (hash - path.charAt(i - 1)) * SubstringTable.INVERSE_31;
      }
    }
    return null;
  }

  private static <T> RouteEntry<T> first(CompiledRoute<T>[] candidates, RequestView request) {
    if (candidates != null) {
      for (CompiledRoute<T> route : candidates) {
        if (route.matchesConditions(request)) {
          return route.entry;
        }
      }
    }
    return null;
  }
}
