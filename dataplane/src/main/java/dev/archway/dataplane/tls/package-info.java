/**
 * Frontend TLS: server {@link io.netty.handler.ssl.SslContext}s built from the IR's PEM
 * certificates (BoringSSL through netty-tcnative when it loads, the JDK's TLS otherwise), the
 * choice of a Gateway listener and certificate by the ClientHello's SNI ({@link
 * dev.archway.dataplane.tls.SniRouter}, {@link dev.archway.dataplane.tls.SniSelectHandler}), and
 * what the HTTP proxy may learn about a connection's TLS ({@link
 * dev.archway.dataplane.tls.TlsSession}). Nothing here knows HTTP: the listener package puts these
 * pieces in front of the HTTP, TCP and passthrough pipelines.
 */
package dev.archway.dataplane.tls;
