package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.RouteTable;
import java.time.Duration;

/** Proxy contexts for tests that drive the proxy's handlers through embedded channels. */
final class EmbeddedProxies {
  private EmbeddedProxies() {}

  /**
   * A context serving {@code table} with the default edge limits. Its upstream pools are real but
   * unused: an embedded channel's event loop cannot carry an upstream connection, so these tests
   * stay with answers the proxy makes itself.
   */
  static ProxyContext serving(RouteTable table) {
    return new ProxyContext(
        () -> table,
        new UpstreamPools(Transport.nio(), Duration.ofSeconds(1), Duration.ofSeconds(1)),
        Duration.ofSeconds(1),
        EdgeLimits.defaults());
  }
}
