/**
 * The proxy: Netty pipelines that accept HTTP/1.1 and HTTP/2 (prior knowledge) on one port, route
 * each request with the current {@link dev.archway.dataplane.routing.RouteTable}, and forward it
 * over pooled HTTP/1.1 upstream connections on the same event loop, streaming bodies with
 * backpressure in both directions; or answer locally (404, 5xx, redirects).
 */
package dev.archway.dataplane.proxy;
