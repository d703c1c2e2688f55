package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.CompiledRoute;
import dev.archway.dataplane.routing.RouteOptions;
import dev.archway.dataplane.tls.TlsSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sets up a forwarded exchange for {@link ProxyHandler}: the mirrors' copies (sampled, started at
 * once), the terms the client's protocol sets for the response, and what decides whether the
 * request may be sent twice (its method and whether it has a body).
 */
final class Forwarding {
  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(
          HttpMethod.GET,
          HttpMethod.HEAD,
          HttpMethod.OPTIONS,
          HttpMethod.TRACE,
          HttpMethod.PUT,
          HttpMethod.DELETE);

  private Forwarding() {}

  /**
   * The exchange for a routed request whose first try is known; not started yet.
   *
   * @param keepAlive whether the client connection may stay open after it
   * @param http2 whether the client is an HTTP/2 stream
   */
  static ProxyExchange exchange(
      ProxyHandler handler,
      ChannelHandlerContext ctx,
      UpstreamPool pool,
      HttpRequest request,
      CompiledRoute route,
      UpstreamAttempts attempts,
      UpstreamAttempts.Attempt first,
      HttpHeaders cors,
      boolean keepAlive,
      boolean http2) {
    List<MirrorExchange> mirrors = startMirrors(pool, route, attempts);
    boolean chunkedAllowed = http2 || !request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    return new ProxyExchange(
        handler,
        ctx,
        pool,
        attempts,
        first,
        route.options(),
        new ClientTerms(
            keepAlive,
            chunkedAllowed,
            request.method().equals(HttpMethod.HEAD),
            attempts.upgrade()),
        cors,
        new RequestForwarder(isBodiless(request, http2), request instanceof LastHttpContent),
        IDEMPOTENT.contains(request.method()),
        mirrors);
  }

  /** Starts a copy for each mirror that samples this request and has an endpoint. */
  private static List<MirrorExchange> startMirrors(
      UpstreamPool pool, CompiledRoute route, UpstreamAttempts attempts) {
    List<MirrorExchange> mirrors = List.of();
    for (RouteOptions.Mirror mirror : route.options().mirrors()) {
      InetSocketAddress endpoint;
      if (mirror.sample(ThreadLocalRandom.current())
          && mirror.upstream().brokenTls() == null
          && (endpoint = mirror.upstream().nextEndpoint()) != null) {
        if (mirrors.isEmpty()) {
          mirrors = new ArrayList<>(2);
        }
        // The copy carries the rule's request filters, not a backend's.
        MirrorExchange m =
            new MirrorExchange(
                pool,
                UpstreamPool.key(mirror.upstream(), endpoint),
                attempts.upstreamRequest(List.of(route.filters())));
        mirrors.add(m);
        m.start();
      }
    }
    return mirrors;
  }

  /** Whether the request has no body: only such requests can be sent again on a retry. */
  static boolean isBodiless(HttpRequest request, boolean http2) {
    if (request instanceof FullHttpRequest full) {
      return !full.content().isReadable() && full.trailingHeaders().isEmpty();
    }
    return !http2
        && !HttpUtil.isTransferEncodingChunked(request)
        && HttpUtil.getContentLength(request, 0L) == 0;
  }

  /** The scheme the client used: https when the connection was terminated by an HTTPS listener. */
  static String scheme(Channel client) {
    return TlsSession.of(client) == null ? "http" : "https";
  }

  /** The client's IP address, for X-Forwarded-For. */
  static String clientIp(Channel client) {
    if (client.remoteAddress() instanceof InetSocketAddress address
        && address.getAddress() != null) {
      return address.getAddress().getHostAddress();
    }
    return "unknown";
  }
}
