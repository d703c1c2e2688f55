package dev.archway.dataplane.tcp;

import dev.archway.dataplane.routing.WeightedChoice;
import java.net.InetSocketAddress;
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
  private final WeightedChoice<Backend> backends;

  public L4Route(String name, List<Backend> backends) {
    this.name = name;
    this.backends = new WeightedChoice<>(backends, Backend::weight);
  }

  /** The IR route name, such as {@code tcproute/<ns>/<name>}, or null. */
  public String name() {
    return name;
  }

  /** The endpoint for a new connection, or null to refuse it. */
  public InetSocketAddress pick() {
    Backend backend = backends.pick(ThreadLocalRandom.current());
    return backend == null || backend.endpoints() == null ? null : backend.endpoints().next();
  }
}
