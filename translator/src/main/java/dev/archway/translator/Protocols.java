package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.GATEWAY_GROUP;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import java.util.List;

/**
 * Listener protocols (apis/v1/gateway_types.go ProtocolType) and the route kinds each serves. HTTP
 * and HTTPS serve HTTPRoute and GRPCRoute; TLS serves TLSRoute in both modes; TCP serves TCPRoute;
 * UDP serves UDPRoute.
 */
final class Protocols {
  static final String HTTP = "HTTP";
  static final String HTTPS = "HTTPS";
  static final String TLS = "TLS";
  static final String TCP = "TCP";
  static final String UDP = "UDP";
  static final String TERMINATE = "Terminate";
  static final String PASSTHROUGH = "Passthrough";

  static final String HTTP_ROUTE = "HTTPRoute";
  static final String GRPC_ROUTE = "GRPCRoute";
  static final String TLS_ROUTE = "TLSRoute";
  static final String TCP_ROUTE = "TCPRoute";
  static final String UDP_ROUTE = "UDPRoute";

  /** The protocols Archway serves, for messages. */
  static final String SUPPORTED = "HTTP, HTTPS, TLS, TCP or UDP";

  private Protocols() {}

  static boolean supported(String protocol) {
    return switch (protocol) {
      case HTTP, HTTPS, TLS, TCP, UDP -> true;
      default -> false;
    };
  }

  /** The route kinds a listener of this protocol can serve, in the order supportedKinds lists. */
  static List<String> routeKinds(String protocol) {
    return switch (protocol) {
      case HTTP, HTTPS -> List.of(HTTP_ROUTE, GRPC_ROUTE);
      case TLS -> List.of(TLS_ROUTE);
      case TCP -> List.of(TCP_ROUTE);
      case UDP -> List.of(UDP_ROUTE);
      default -> List.of();
    };
  }

  /**
   * UDP ports are a separate space from TCP ports: a UDP listener only ever conflicts with another
   * UDP listener.
   */
  static boolean udp(String protocol) {
    return UDP.equals(protocol);
  }

  /** Whether listeners of this protocol are told apart by hostname on a shared port. */
  static boolean hostnameDistinct(String protocol) {
    return switch (protocol) {
      case HTTP, HTTPS, TLS -> true;
      default -> false;
    };
  }

  static RouteGroupKind kind(String kind) {
    RouteGroupKind k = new RouteGroupKind();
    k.setGroup(GATEWAY_GROUP);
    k.setKind(kind);
    return k;
  }
}
