/**
 * The proxy: Netty pipelines that accept HTTP/1.1 and HTTP/2 (prior knowledge, or after TLS) on one
 * port ({@link dev.archway.dataplane.proxy.ServerPipelines}), hardened at the edge (strict HTTP/1
 * framing in {@link dev.archway.dataplane.proxy.Http1ServerCodec}, client deadlines, HTTP/2 abuse
 * limits, see {@link dev.archway.dataplane.proxy.EdgeLimits}); route each request with the current
 * {@link dev.archway.dataplane.routing.RouteTable}; and forward it with the route's options
 * (timeouts, retry, mirrors, CORS, gRPC statuses) over upstream channels of the same event loop:
 * pooled HTTP/1.1 connections, or streams of one HTTP/2 connection per endpoint for h2c, with TLS
 * when a BackendTLSPolicy asks. Bodies stream with backpressure in both directions; answers made
 * here (404, 5xx, redirects, CORS preflights) are local exchanges. A WebSocket upgrade over
 * HTTP/1.1 ends in a byte tunnel between the client and a connection of its own ({@link
 * dev.archway.dataplane.proxy.WebSocketUpgrade}).
 */
package dev.archway.dataplane.proxy;
