package dev.archway.dataplane.tcp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backends of a TLSRoute, TCPRoute or UDPRoute: one is picked by weight per connection (per
 * session for UDP), then one of its endpoints round-robin. An invalid backend stays in the draw, so
 * that exactly its share of connections is refused (Gateway API backendRefs semantics); so do
 * backends without ready endpoints.
 */
public final class L4Route {
  /** One backend; {@code endpoints} is null when the reference was invalid. */
  public record Backend(String destination, int weight, Upstream endpoints) {}

  /** A destination's endpoints with a round-robin cursor shared by every route that uses it. */
  public static final class Upstream {
    private final List<InetSocketAddress> endpoints;
    private final AtomicInteger cursor = new AtomicInteger();

    public Upstream(List<InetSocketAddress> endpoints) {
      this.endpoints = List.copyOf(endpoints);
    }

    InetSocketAddress next() {
      int n = endpoints.size();
      if (n == 0) {
        return null;
      }
      return endpoints.get(n == 1 ? 0 : Math.floorMod(cursor.getAndIncrement(), n));
    }
  }

  private final String name;
  private final Backend[] candidates;
  private final long[] cumulative;

  public L4Route(String name, List<Backend> backends) {
    this.name = name;
    List<Backend> positive = new ArrayList<>();
    for (Backend b : backends) {
      if (b.weight() > 0) {
        positive.add(b);
      }
    }
    candidates = positive.toArray(new Backend[0]);
    cumulative = new long[candidates.length];
    long sum = 0;
    for (int i = 0; i < candidates.length; i++) {
      sum += candidates[i].weight();
      cumulative[i] = sum;
    }
  }

  /** The IR route name, such as {@code tcproute/<ns>/<name>}, or null. */
  public String name() {
    return name;
  }

  /** The endpoint for a new connection, or null to refuse it. */
  public InetSocketAddress pick() {
    if (candidates.length == 0) {
      return null;
    }
    Backend backend = candidates[0];
    if (candidates.length > 1) {
      long r = ThreadLocalRandom.current().nextLong(cumulative[cumulative.length - 1]);
      int i = Arrays.binarySearch(cumulative, r + 1);
      backend = candidates[i >= 0 ? i : -i - 1];
    }
    return backend.endpoints() == null ? null : backend.endpoints().next();
  }
}
