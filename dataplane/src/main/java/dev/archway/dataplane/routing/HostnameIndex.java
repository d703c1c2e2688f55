package dev.archway.dataplane.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Values keyed by hostname, looked up by a request's host from the most to the least specific
 * entry: the exact name, then wildcards from the longest suffix to the shortest, then {@code *}.
 *
 * <p>Lookup costs one hash probe per label of the host, whatever the number of entries. A wildcard
 * {@code *.example.com} is stored under {@code .example.com} and matches one or more labels in
 * front of it, never {@code example.com} itself (Gateway API hostname rules).
 *
 * @param <T> the value type
 */
public final class HostnameIndex<T> {
  private final Map<String, T> exact;
  private final Map<String, T> wildcards;
  private final T any;

  private HostnameIndex(Map<String, T> exact, Map<String, T> wildcards, T any) {
    this.exact = exact;
    this.wildcards = wildcards;
    this.any = any;
  }

  /** Builds an index from canonical hostnames ({@link Hostnames#canonical}) to values. */
  public static <T> HostnameIndex<T> of(Map<String, T> byHostname) {
    Map<String, T> exact = new HashMap<>();
    Map<String, T> wildcards = new HashMap<>();
    T any = null;
    for (Map.Entry<String, T> e : byHostname.entrySet()) {
      String hostname = e.getKey();
      if (hostname.equals("*")) {
        any = e.getValue();
      } else if (hostname.startsWith("*.")) {
        wildcards.put(hostname.substring(1), e.getValue());
      } else {
        exact.put(hostname, e.getValue());
      }
    }
    return new HostnameIndex<>(Map.copyOf(exact), Map.copyOf(wildcards), any);
  }

  /** The most specific value for {@code host} ({@link Hostnames#fromHeader}), or null. */
  public T mostSpecific(String host) {
    return first(host, Function.identity());
  }

  /** The {@code *} entry's value, or null. */
  public T any() {
    return any;
  }

  /**
   * Applies {@code lookup} to the values matching {@code host}, most specific first, and returns
   * the first non-null result, or null.
   */
  <R> R first(String host, Function<? super T, ? extends R> lookup) {
    T value = exact.get(host);
    if (value != null) {
      R r = lookup.apply(value);
      if (r != null) {
        return r;
      }
    }
    if (!wildcards.isEmpty()) {
      // ".b.example.com", then ".example.com", then ".com": longest suffix first; the first dot
      // must not be at index 0, so that at least one label stands in front of the suffix.
      for (int dot = host.indexOf('.', 1); dot > 0; dot = host.indexOf('.', dot + 1)) {
        value = wildcards.get(host.substring(dot));
        if (value != null) {
          R r = lookup.apply(value);
          if (r != null) {
            return r;
          }
        }
      }
    }
    return any == null ? null : lookup.apply(any);
  }

  /** Every entry in lookup order: exact names alphabetically, longest wildcard first, {@code *}. */
  Map<String, T> inLookupOrder() {
    Map<String, T> ordered = new LinkedHashMap<>();
    exact.keySet().stream().sorted().forEach(h -> ordered.put(h, exact.get(h)));
    List<String> suffixes = new ArrayList<>(wildcards.keySet());
    suffixes.sort(Comparator.comparingInt(String::length).reversed().thenComparing(s -> s));
    suffixes.forEach(s -> ordered.put("*" + s, wildcards.get(s)));
    if (any != null) {
      ordered.put("*", any);
    }
    return ordered;
  }
}
