package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.List;

/**
 * The endpoint fast path: a configuration's Service destinations with their endpoints read again,
 * by the same rules as a translation ({@link BackendResolver#serviceEndpoints}), and nothing else
 * recomputed. Valid when only EndpointSlices changed since the configuration was translated:
 * routes, listeners and statuses cannot depend on them.
 */
final class EndpointRefresh {
  private static final String SERVICE_PREFIX = "service/";

  private EndpointRefresh() {}

  static DataPlaneConfig refresh(DataPlaneConfig config, ResourceSnapshot snapshot) {
    ResourceIndex index = new ResourceIndex(snapshot);
    List<Destination> destinations = new ArrayList<>(config.destinations().size());
    boolean changed = false;
    for (Destination d : config.destinations()) {
      Destination refreshed = refresh(d, index);
      changed |= refreshed != d;
      destinations.add(refreshed);
    }
    return changed ? new DataPlaneConfig(config.gateways(), destinations) : config;
  }

  /** {@code service/<namespace>/<name>/<port>[/<protocol>]}; other destinations are kept. */
  private static Destination refresh(Destination d, ResourceIndex index) {
    if (!d.name().startsWith(SERVICE_PREFIX)) {
      return d; // a Backend's endpoints are in its spec
    }
    String[] parts = d.name().substring(SERVICE_PREFIX.length()).split("/");
    if (parts.length < 3) {
      return d;
    }
    Service service = index.service(parts[0], parts[1]).orElse(null);
    Integer port;
    try {
      port = Integer.valueOf(parts[2]);
    } catch (NumberFormatException e) {
      return d;
    }
    if (service == null || service.getSpec() == null) {
      return d; // the Service changed too: not an endpoint-only change, a translation follows
    }
    ServicePort servicePort =
        BackendResolver.servicePort(nonNull(service.getSpec().getPorts()), port);
    if (servicePort == null) {
      return d;
    }
    List<Endpoint> endpoints =
        BackendResolver.serviceEndpoints(index, parts[0], parts[1], servicePort);
    return endpoints.equals(d.endpoints())
        ? d
        : new Destination(d.name(), d.protocol(), endpoints, d.tls());
  }
}
