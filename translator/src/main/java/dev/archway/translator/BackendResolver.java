package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.status.RouteConditionReason;
import dev.archway.api.v1alpha1.ArchwayApi;
import dev.archway.api.v1alpha1.Backend;
import dev.archway.api.v1alpha1.BackendEndpoint;
import dev.archway.api.v1alpha1.SocketAddressSpec;
import dev.archway.ir.Destination;
import dev.archway.ir.Destination.AppProtocol;
import dev.archway.ir.Endpoint;
import dev.archway.ir.UpstreamTls;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Resolves backendRefs to {@link Destination}s: a Service port (endpoints from its EndpointSlices)
 * or an Archway {@code Backend} (endpoints from its spec). A reference that cannot be resolved
 * yields a problem for the ResolvedRefs condition, and no destination: its share of requests gets a
 * 500.
 */
final class BackendResolver {
  private static final String SERVICE = "Service";
  private static final Comparator<Endpoint> ENDPOINT_ORDER =
      Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port);

  private final ResourceIndex index;
  private final Map<String, Destination> destinations = new HashMap<>();

  /**
   * Service ports already resolved to a destination, so that the many routes sending to one Service
   * do not repeat the lookups and name building.
   */
  private final Map<ServiceRef, Destination> resolvedServices = new HashMap<>();

  private record ServiceRef(String namespace, String name, Integer port, AppProtocol forced) {}

  /** Upstream TLS from valid BackendTLSPolicies, keyed by {@code namespace/service/port}. */
  private final Map<String, UpstreamTls> upstreamTls = new HashMap<>();

  BackendResolver(ResourceIndex index) {
    this.index = index;
  }

  /**
   * A backend reference of any route kind (BackendObjectReference's fields).
   *
   * @param group "" for core
   * @param kind Service when unset
   */
  record Ref(String group, String kind, String namespace, String name, Integer port) {
    static Ref of(HTTPBackendRef r) {
      return new Ref(r.getGroup(), r.getKind(), r.getNamespace(), r.getName(), r.getPort());
    }

    static Ref of(GRPCBackendRef r) {
      return new Ref(r.getGroup(), r.getKind(), r.getNamespace(), r.getName(), r.getPort());
    }

    static Ref of(BackendRef r) {
      return new Ref(r.getGroup(), r.getKind(), r.getNamespace(), r.getName(), r.getPort());
    }

    static Ref of(BackendObjectReference r) {
      return new Ref(r.getGroup(), r.getKind(), r.getNamespace(), r.getName(), r.getPort());
    }
  }

  /** The destination of an HTTPRoute backendRef. */
  Destination resolve(
      HTTPBackendRef ref, String routeNamespace, String at, List<RuleProblem> problems) {
    return resolve(Ref.of(ref), Protocols.HTTP_ROUTE, routeNamespace, at, null, problems);
  }

  /**
   * The destination of a backendRef.
   *
   * @param fromKind the route's kind, which a ReferenceGrant must name for cross-namespace refs
   * @param protocol the protocol to use whatever the appProtocol says (H2C for gRPC), or null
   * @return the destination, or null when the reference is invalid (and a problem was added)
   */
  Destination resolve(
      Ref ref,
      String fromKind,
      String routeNamespace,
      String at,
      AppProtocol protocol,
      List<RuleProblem> problems) {
    String group = Objects.requireNonNullElse(ref.group(), "");
    String kind = Objects.requireNonNullElse(ref.kind(), SERVICE);
    String namespace = Objects.requireNonNullElse(ref.namespace(), routeNamespace);
    boolean service = group.isEmpty() && kind.equals(SERVICE);
    boolean backend = group.equals(ArchwayApi.GROUP) && kind.equals(Backend.KIND);
    if (!service && !backend) {
      problems.add(
          new RuleProblem(
              RouteConditionReason.INVALID_KIND,
              at
                  + ": kind \""
                  + (group.isEmpty() ? "" : group + "/")
                  + kind
                  + "\" is not supported (expected: Service or "
                  + ArchwayApi.GROUP
                  + "/"
                  + Backend.KIND
                  + ")"));
      return null;
    }
    String target = kind + " " + namespace + "/" + ref.name();
    if (!namespace.equals(routeNamespace)
        && !index.referenceAllowed(fromKind, routeNamespace, group, kind, namespace, ref.name())) {
      problems.add(
          new RuleProblem(
              RouteConditionReason.REF_NOT_PERMITTED,
              at
                  + ": "
                  + target
                  + " is in another namespace (expected: a ReferenceGrant in namespace "
                  + namespace
                  + " that lets "
                  + fromKind
                  + "s in "
                  + routeNamespace
                  + " refer to it)"));
      return null;
    }
    return service
        ? service(namespace, ref.name(), ref.port(), at, target, protocol, problems)
        : backend(namespace, ref.name(), at, target, protocol, problems);
  }

  /** Makes the destination of a Service port use TLS (from a BackendTLSPolicy). */
  void upstreamTls(String namespace, String service, int port, UpstreamTls tls) {
    upstreamTls.put(namespace + "/" + service + "/" + port, tls);
  }

  ResourceIndex index() {
    return index;
  }

  /** The upstream TLS settings from BackendTLSPolicies, keyed by {@code namespace/service/port}. */
  Map<String, UpstreamTls> upstreamTls() {
    return upstreamTls;
  }

  /** Every destination resolved so far, by name. */
  Map<String, Destination> destinations() {
    return destinations;
  }

  private Destination service(
      String namespace,
      String name,
      Integer port,
      String at,
      String target,
      AppProtocol forced,
      List<RuleProblem> problems) {
    ServiceRef key = new ServiceRef(namespace, name, port, forced);
    Destination known = resolvedServices.get(key);
    if (known != null) {
      return known;
    }
    Service svc = index.service(namespace, name).orElse(null);
    if (svc == null) {
      problems.add(notFound(at + ": " + target + " not found"));
      return null;
    }
    List<ServicePort> ports = svc.getSpec() == null ? List.of() : nonNull(svc.getSpec().getPorts());
    ServicePort servicePort = servicePort(ports, port);
    if (servicePort == null) {
      problems.add(
          notFound(
              at
                  + ".port: "
                  + port
                  + " is not a port of "
                  + target
                  + " (expected: one of "
                  + ports.stream().map(p -> String.valueOf(p.getPort())).toList()
                  + ")"));
      return null;
    }
    AppProtocol declared =
        appProtocol(servicePort.getAppProtocol(), at, target + " port " + port, problems);
    if (declared == null) {
      return null;
    }
    AppProtocol protocol = forced == null ? declared : forced;
    String destinationName =
        "service/"
            + namespace
            + "/"
            + name
            + "/"
            + port
            + (protocol == declared ? "" : "/" + protocol.name().toLowerCase(Locale.ROOT));
    UpstreamTls tls = upstreamTls.get(namespace + "/" + name + "/" + port);
    Destination destination =
        destinations.computeIfAbsent(
            destinationName,
            n ->
                new Destination(
                    n, protocol, serviceEndpoints(index, namespace, name, servicePort), tls));
    resolvedServices.put(key, destination);
    return destination;
  }

  static ServicePort servicePort(List<ServicePort> ports, Integer port) {
    for (ServicePort p : ports) {
      if (Objects.equals(p.getPort(), port)) {
        return p;
      }
    }
    return null;
  }

  /**
   * The ready endpoints of a Service port: in each EndpointSlice of the Service, the port with the
   * Service port's name gives the endpoint port (Kubernetes resolves targetPort per Pod, so only
   * the slices know it).
   */
  static List<Endpoint> serviceEndpoints(
      ResourceIndex index, String namespace, String name, ServicePort servicePort) {
    String portName = Objects.requireNonNullElse(servicePort.getName(), "");
    TreeSet<Endpoint> endpoints = new TreeSet<>(ENDPOINT_ORDER);
    for (EndpointSlice slice : index.endpointSlices(namespace, name)) {
      Integer endpointPort =
          nonNull(slice.getPorts()).stream()
              .filter(p -> portName.equals(Objects.requireNonNullElse(p.getName(), "")))
              .map(EndpointPort::getPort)
              .filter(Objects::nonNull)
              .findFirst()
              .orElse(null);
      if (endpointPort == null || endpointPort < 1 || endpointPort > 65535) {
        continue;
      }
      for (var endpoint : nonNull(slice.getEndpoints())) {
        // A missing ready condition means ready (discovery.k8s.io/v1 EndpointConditions).
        if (endpoint.getConditions() != null
            && Boolean.FALSE.equals(endpoint.getConditions().getReady())) {
          continue;
        }
        for (String address : nonNull(endpoint.getAddresses())) {
          endpoints.add(new Endpoint(address, endpointPort));
        }
      }
    }
    return new ArrayList<>(endpoints);
  }

  private Destination backend(
      String namespace,
      String name,
      String at,
      String target,
      AppProtocol forced,
      List<RuleProblem> problems) {
    Backend backend = index.backend(namespace, name).orElse(null);
    if (backend == null) {
      problems.add(notFound(at + ": " + target + " not found"));
      return null;
    }
    List<String> appProtocols =
        backend.getSpec() == null ? List.of() : nonNull(backend.getSpec().getAppProtocols());
    AppProtocol protocol = AppProtocol.HTTP1;
    for (String p : appProtocols) {
      protocol = appProtocol(p, at, target, problems);
      if (protocol == null) {
        return null;
      }
    }
    List<String> invalid = BackendValidation.problems(backend);
    if (!invalid.isEmpty()) {
      // The reference names something that exists but cannot be used: like a Service port that
      // does not exist, BackendNotFound, with the fields at fault.
      problems.add(notFound(at + ": " + target + " is not valid: " + String.join("; ", invalid)));
      return null;
    }
    TreeSet<Endpoint> endpoints = new TreeSet<>(ENDPOINT_ORDER);
    for (BackendEndpoint e : backend.getSpec().getEndpoints()) {
      SocketAddressSpec a = e.getIp() != null ? e.getIp() : e.getFqdn();
      endpoints.add(
          new Endpoint(e.getIp() != null ? a.getAddress() : a.getHostname(), a.getPort()));
    }
    AppProtocol p = forced == null ? protocol : forced;
    String destinationName =
        "backend/"
            + namespace
            + "/"
            + name
            + (p == protocol ? "" : "/" + p.name().toLowerCase(Locale.ROOT));
    return destinations.computeIfAbsent(
        destinationName, n -> new Destination(n, p, new ArrayList<>(endpoints)));
  }

  /**
   * The protocol for an appProtocol (GEP-1911): {@code kubernetes.io/h2c} and {@code
   * kubernetes.io/ws} are the spec's; none, or the IANA names {@code http} and {@code https}, is
   * HTTP/1.1; anything else is UnsupportedProtocol. For {@code https} the TLS itself comes from a
   * BackendTLSPolicy targeting the Service (conformance BackendTLSPolicy uses such a port).
   */
  private static AppProtocol appProtocol(
      String appProtocol, String at, String target, List<RuleProblem> problems) {
    if (appProtocol == null
        || appProtocol.isEmpty()
        || appProtocol.equalsIgnoreCase("http")
        || appProtocol.equalsIgnoreCase("https")) {
      return AppProtocol.HTTP1;
    }
    switch (appProtocol) {
      case "kubernetes.io/h2c" -> {
        return AppProtocol.H2C;
      }
      case "kubernetes.io/ws" -> {
        return AppProtocol.WEBSOCKET;
      }
      default -> {
        problems.add(
            new RuleProblem(
                RouteConditionReason.UNSUPPORTED_PROTOCOL,
                at
                    + ": "
                    + target
                    + " has appProtocol \""
                    + appProtocol
                    + "\" (expected: none, http, https, kubernetes.io/h2c or kubernetes.io/ws)"));
        return null;
      }
    }
  }

  private static RuleProblem notFound(String message) {
    return new RuleProblem(RouteConditionReason.BACKEND_NOT_FOUND, message);
  }
}
