package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * What one Gateway serves.
 *
 * <p>Ports are shared by protocol family only: a TCP port is in exactly one of {@code
 * httpListeners}, {@code tlsListeners} and {@code tcpListeners}; a UDP port is in {@code
 * udpListeners} and may have the same number as a TCP port.
 *
 * @param name {@code gateway/<namespace>/<name>}
 * @param bindAddress the local address its listeners bind to ({@code 0.0.0.0} for all)
 * @param httpListeners one entry per port that carries HTTP or HTTPS, sorted by port
 * @param tlsListeners one entry per port whose listeners have protocol TLS, sorted by port
 * @param tcpListeners one entry per TCP listener, sorted by port
 * @param udpListeners one entry per UDP listener, sorted by port
 * @param backendClientCertificate the client certificate presented to backends that use TLS ({@code
 *     spec.tls.backend.clientCertificateRef}), or null
 * @param infrastructure what to put on the resources that run this Gateway, or null
 */
public record GatewayIr(
    String name,
    String bindAddress,
    List<HttpListener> httpListeners,
    List<TlsListener> tlsListeners,
    List<TcpListener> tcpListeners,
    List<UdpListener> udpListeners,
    TlsCertificate backendClientCertificate,
    Infrastructure infrastructure) {
  public GatewayIr {
    Objects.requireNonNull(name, "name");
    bindAddress = Objects.requireNonNullElse(bindAddress, "0.0.0.0");
    httpListeners = List.copyOf(Objects.requireNonNullElse(httpListeners, List.of()));
    tlsListeners = List.copyOf(Objects.requireNonNullElse(tlsListeners, List.of()));
    tcpListeners = List.copyOf(Objects.requireNonNullElse(tcpListeners, List.of()));
    udpListeners = List.copyOf(Objects.requireNonNullElse(udpListeners, List.of()));
  }

  /** A Gateway with HTTP listeners only. */
  public GatewayIr(String name, String bindAddress, List<HttpListener> httpListeners) {
    this(name, bindAddress, httpListeners, null, null, null, null, null);
  }

  /** This Gateway with its listeners bound to {@code address}; everything else the same objects. */
  public GatewayIr withBindAddress(String address) {
    return new GatewayIr(
        name,
        address,
        httpListeners,
        tlsListeners,
        tcpListeners,
        udpListeners,
        backendClientCertificate,
        infrastructure);
  }

  /** This Gateway with these HTTP listeners; everything else the same objects. */
  public GatewayIr withHttpListeners(List<HttpListener> listeners) {
    return new GatewayIr(
        name,
        bindAddress,
        listeners,
        tlsListeners,
        tcpListeners,
        udpListeners,
        backendClientCertificate,
        infrastructure);
  }
}
