package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.RouteTable;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What every listener's handlers share: the current route table, the per-event-loop upstream
 * connection pools and the timeouts.
 *
 * @param routeTable reads the current table; called once per request
 * @param drainTimeout how long an HTTP/2 connection may finish its streams after GOAWAY
 * @param limits what protects the listeners from clients
 */
public record ProxyContext(
    Supplier<RouteTable> routeTable,
    UpstreamPools upstreams,
    Duration drainTimeout,
    EdgeLimits limits) {
  public ProxyContext {
    Objects.requireNonNull(routeTable, "routeTable");
    Objects.requireNonNull(upstreams, "upstreams");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(limits, "limits");
  }
}
