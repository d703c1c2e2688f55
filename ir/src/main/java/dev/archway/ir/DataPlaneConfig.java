package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * One complete, self-contained configuration for the data plane.
 *
 * <p>Destinations are listed once and referenced by name from routes, so that an endpoint-only
 * change replaces destinations without touching routes.
 *
 * @param gateways every Gateway to serve, sorted by name
 * @param destinations every backend destination routes refer to, sorted by name
 */
public record DataPlaneConfig(List<GatewayIr> gateways, List<Destination> destinations) {
  public static final DataPlaneConfig EMPTY = new DataPlaneConfig(List.of(), List.of());

  public DataPlaneConfig {
    gateways = List.copyOf(Objects.requireNonNullElse(gateways, List.of()));
    destinations = List.copyOf(Objects.requireNonNullElse(destinations, List.of()));
  }
}
