package dev.crossgate.routing.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The compiled route table: finds the {@link RouteEntry} for a request with the precedence of
 * the Kubernetes Gateway API's {@code HTTPRoute}. Built once from entries, then immutable and
 * safe to share between event-loop threads.
 *
 * <p><b>Hosts.</b> Entries are grouped into buckets by hostname: one bucket per exact hostname,
 * one per wildcard suffix ({@code *.example.com} matches one or more labels before
 * {@code example.com}, never {@code example.com} itself), and a catch-all bucket for entries
 * without hostnames. A request tries the exact bucket of its host, then the matching wildcard
 * buckets from the longest suffix to the shortest, then the catch-all bucket; the first bucket
 * with a matching entry wins. Hosts are compared case-insensitively.
 *
 * <p><b>Paths within a bucket.</b> {@code Exact} paths first, then {@code RegularExpression}
 * paths (full match), then {@code PathPrefix} by the longest prefix. A prefix matches on path
 * element boundaries: {@code /foo} matches {@code /foo}, {@code /foo/} and {@code /foo/bar}, not
 * {@code /foobar}; a trailing slash in the prefix is ignored and {@code /} matches every path.
 *
 * <p><b>Same path.</b> Entries with the same path are tried in this order: with a method before
 * without; more header matches first; more query parameter matches first; the oldest
 * {@code creationTimestamp} first (none counts as newest); namespace, then name, alphabetically;
 * then rule index and match index. An entry matches when its method, every header (name
 * case-insensitive) and every query parameter match; otherwise the next candidate is tried.
 *
 * <p><b>Cost.</b> Host and path lookups are hash probes: about one per label of the host and one
 * per element of the path, independent of the number of routes, and they allocate nothing
 * unless a regular expression has to run. Regex paths are the exception: they are tried one by
 * one, so their cost grows with the number of regex entries in the bucket.
 *
 * @param <T> the payload type of the entries
 */
public final class RouteTable<T> {

  private static final RouteTable<Object> EMPTY = build(List.of());

  private final SubstringTable<PathIndex<T>> exactHosts;
  private final SubstringTable<PathIndex<T>> wildcardHosts;
  private final PathIndex<T> anyHost;
  private final int size;

  private RouteTable(
      SubstringTable<PathIndex<T>> exactHosts,
      SubstringTable<PathIndex<T>> wildcardHosts,
      PathIndex<T> anyHost,
      int size) {
    this.exactHosts = exactHosts;
    this.wildcardHosts = wildcardHosts;
    this.anyHost = anyHost;
    this.size = size;
  }

  /**
   * Compiles entries into a table. Assumes validated input (known match types, compiling regular
   * expressions, paths starting with {@code /}).
   *
   * @throws IllegalArgumentException when an entry has an unknown path match type
   * @throws java.util.regex.PatternSyntaxException when a regular expression does not compile
   */
  public static <T> RouteTable<T> build(List<RouteEntry<T>> entries) {
    Objects.requireNonNull(entries, "entries");
    Map<String, List<CompiledRoute<T>>> exact = new HashMap<>();
    Map<String, List<CompiledRoute<T>>> wildcard = new HashMap<>();
    List<CompiledRoute<T>> any = new ArrayList<>();
    for (RouteEntry<T> entry : entries) {
      CompiledRoute<T> route = new CompiledRoute<>(Objects.requireNonNull(entry, "entry"));
      if (entry.hostnames().isEmpty()) {
        any.add(route);
        continue;
      }
      Set<String> hostnames = new LinkedHashSet<>();
      for (String hostname : entry.hostnames()) {
        hostnames.add(hostname.toLowerCase(Locale.ROOT));
      }
      for (String hostname : hostnames) {
        if (hostname.startsWith("*.")) {
          wildcard.computeIfAbsent(hostname.substring(2), k -> new ArrayList<>()).add(route);
        } else {
          exact.computeIfAbsent(hostname, k -> new ArrayList<>()).add(route);
        }
      }
    }
    return new RouteTable<>(
        indexes(exact), indexes(wildcard), any.isEmpty() ? null : PathIndex.of(any),
        entries.size());
  }

  private static <T> SubstringTable<PathIndex<T>> indexes(
      Map<String, List<CompiledRoute<T>>> byHost) {
    Map<String, PathIndex<T>> indexes = new HashMap<>();
    byHost.forEach((host, routes) -> indexes.put(host, PathIndex.of(routes)));
    return SubstringTable.of(indexes);
  }

  /** A table without entries: every lookup misses. */
  @SuppressWarnings("unchecked")
  public static <T> RouteTable<T> empty() {
    return (RouteTable<T>) EMPTY;
  }

  /**
   * The entry a request is routed to, or null when nothing matches.
   *
   * @param request the request; its path must already be normalized by {@link
   *     RequestPaths#normalize(String)}
   */
  public RouteEntry<T> match(RequestView request) {
    String host = lowerCase(request.host());
    String path = request.path();
    if (exactHosts.size() > 0) {
      PathIndex<T> index = exactHosts.get(host);
      if (index != null) {
        RouteEntry<T> hit = index.match(request, path);
        if (hit != null) {
          return hit;
        }
      }
    }
    if (wildcardHosts.size() > 0) {
      RouteEntry<T> hit = matchWildcards(request, host, path);
      if (hit != null) {
        return hit;
      }
    }
    return anyHost == null ? null : anyHost.match(request, path);
  }

  /** Tries the wildcard buckets whose suffix follows a dot in the host, longest suffix first. */
  private RouteEntry<T> matchWildcards(RequestView request, String host, String path) {
    int n = host.length();
    int fullHash = host.hashCode();
    int pow = 1; // 31^(n - k - 1) after handling character k
    for (int i = 0; i < n; i++) {
      pow *= 31;
    }
    int prefixHash = 0; // hash of host[0..k]
    for (int k = 0; k < n - 1; k++) {
      char c = host.charAt(k);
      prefixHash = 31 * prefixHash + c;
      pow *= SubstringTable.INVERSE_31;
      if (c == '.' && k > 0) {
        PathIndex<T> index = wildcardHosts.get(host, k + 1, n, fullHash - prefixHash * pow);
        if (index != null) {
          RouteEntry<T> hit = index.match(request, path);
          if (hit != null) {
            return hit;
          }
        }
      }
    }
    return null;
  }

  private static String lowerCase(String host) {
    if (host == null) {
      return "";
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return host.toLowerCase(Locale.ROOT);
      }
    }
    return host;
  }

  /** The number of entries the table was built from. */
  public int size() {
    return size;
  }

  @Override
  public String toString() {
    return "RouteTable{entries="
        + size
        + ", exactHosts="
        + exactHosts.size()
        + ", wildcardHosts="
        + wildcardHosts.size()
        + ", anyHost="
        + (anyHost != null)
        + '}';
  }
}
