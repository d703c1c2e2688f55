package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.Backend;
import dev.archway.dataplane.routing.CompiledRoute;
import dev.archway.dataplane.routing.RequestTarget;
import dev.archway.dataplane.routing.RouteOptions;
import dev.archway.dataplane.routing.RouteRequest;
import dev.archway.ir.HttpFilter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * What a matched route does with a request, in order: a CORS preflight is answered here; a redirect
 * (the rule's, or the picked backend's) is answered here; a backend that cannot be used is a local
 * error (500 invalid, 502 unusable TLS, 503 no endpoint; gRPC: UNAVAILABLE without backends);
 * otherwise the request is forwarded, as a WebSocket upgrade when it asks for one.
 */
final class RouteServing {
  private RouteServing() {}

  /**
   * A request as {@link ProxyHandler} sees it once a route matched.
   *
   * @param keepAlive whether the client connection may stay open after this request
   * @param grpc whether answers made here are gRPC statuses
   * @param http2 whether the client is an HTTP/2 stream
   */
  record Matched(
      HttpRequest request,
      RequestTarget target,
      RouteRequest routing,
      CompiledRoute route,
      boolean keepAlive,
      boolean grpc,
      boolean http2) {}

  static void serve(
      ProxyHandler handler, ChannelHandlerContext ctx, ProxyContext proxy, int port, Matched m) {
    RouteOptions options = m.route().options();
    HttpHeaders cors = null;
    if (options.cors() != null) {
      String origin = m.request().headers().get(HttpHeaderNames.ORIGIN);
      if (Cors.isPreflight(m.request())) {
        handler.answer(
            Cors.preflight(options.cors(), origin, m.request().headers(), m.keepAlive()));
        return;
      }
      cors = Cors.actualResponseHeaders(options.cors(), origin);
    }
    if (m.route().filters().redirect() != null) {
      redirect(handler, ctx, port, m.route().filters().redirect(), m);
      return;
    }
    Backend backend = m.route().pickBackend();
    if (backend == null) {
      handler.respondLocally(
          m.grpc()
              ? HttpResponseStatus.SERVICE_UNAVAILABLE
              : HttpResponseStatus.INTERNAL_SERVER_ERROR,
          "route has no backends",
          false);
    } else if (backend.filters().redirect() != null) {
      redirect(handler, ctx, port, backend.filters().redirect(), m);
    } else if (backend.upstream() == null) {
      handler.respondLocally(HttpResponseStatus.INTERNAL_SERVER_ERROR, "invalid backend", false);
    } else if (backend.upstream().brokenTls() != null) {
      handler.respondLocally(HttpResponseStatus.BAD_GATEWAY, "upstream TLS unusable", false);
    } else {
      String upgrade = m.http2() ? null : WebSocketUpgrade.requested(m.request());
      UpstreamAttempts attempts =
          new UpstreamAttempts(
              m.route(),
              m.request(),
              m.target(),
              handler.clientIp(),
              Forwarding.scheme(ctx.channel()),
              upgrade);
      UpstreamAttempts.Attempt first = attempts.attempt(backend);
      if (first == null) {
        handler.respondLocally(
            HttpResponseStatus.SERVICE_UNAVAILABLE, "no healthy upstream", false);
        return;
      }
      UpstreamPool pool = proxy.upstreams().forLoop(ctx.channel().eventLoop());
      handler.forwarding(
          Forwarding.exchange(
              handler,
              ctx,
              pool,
              m.request(),
              m.route(),
              attempts,
              first,
              cors,
              m.keepAlive(),
              m.http2()));
    }
  }

  private static void redirect(
      ProxyHandler handler,
      ChannelHandlerContext ctx,
      int port,
      HttpFilter.RequestRedirect filter,
      Matched m) {
    String location =
        RedirectLocation.build(
            filter,
            Forwarding.scheme(ctx.channel()),
            m.routing().host(),
            port,
            m.routing().target());
    FullHttpResponse response = LocalResponses.redirect(filter.statusCode(), location);
    ProxyHeaders.markClose(response, m.keepAlive());
    handler.answer(response);
  }
}
