package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.Backend;
import dev.archway.dataplane.routing.CompiledRoute;
import dev.archway.dataplane.routing.FilterChain;
import dev.archway.dataplane.routing.RequestTarget;
import dev.archway.dataplane.routing.Upstream;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Turns a routed request into tries against upstreams: the first with the backend the proxy picked,
 * later ones (retries) with a backend picked again by weight, as HTTPRouteRetry asks.
 */
final class UpstreamAttempts {
  /**
   * One try.
   *
   * @param upstream the destination
   * @param endpoint one of its endpoints
   * @param request the head to send, filters applied
   * @param filters the rule's and the backend's filters (for the response)
   */
  record Attempt(
      Upstream upstream,
      InetSocketAddress endpoint,
      HttpRequest request,
      List<FilterChain> filters) {}

  private final CompiledRoute route;
  private final HttpRequest original;
  private final RequestTarget target;
  private final String clientIp;
  private final String scheme;
  private final String upgrade;

  /**
   * Whether the first try may take the client's request head as its own (edited in place): only
   * when no retry and no mirror will build another head from it.
   */
  private final boolean singleUse;

  private boolean originalEdited;

  /**
   * @param scheme the scheme the client used ({@code https} on HTTPS listeners)
   * @param upgrade the Upgrade header of a WebSocket request, carried to the upstream; or null
   */
  UpstreamAttempts(
      CompiledRoute route,
      HttpRequest original,
      RequestTarget target,
      String clientIp,
      String scheme,
      String upgrade) {
    this.route = route;
    this.original = original;
    this.target = target;
    this.clientIp = clientIp;
    this.scheme = scheme;
    this.upgrade = upgrade;
    this.singleUse =
        route.options().mirrors().isEmpty()
            && (route.options().retry() == null || route.options().retry().attempts() == 0);
  }

  /** The try for a backend already picked; null when it cannot be forwarded to. */
  Attempt attempt(Backend backend) {
    if (backend == null
        || backend.upstream() == null
        || backend.filters().redirect() != null
        || backend.upstream().brokenTls() != null) {
      return null;
    }
    InetSocketAddress endpoint = backend.upstream().nextEndpoint();
    if (endpoint == null) {
      return null;
    }
    List<FilterChain> filters = List.of(route.filters(), backend.filters());
    HttpRequest request = upstreamRequest(filters, singleUse);
    if (upgrade != null) {
      WebSocketUpgrade.carry(request.headers(), upgrade);
    }
    return new Attempt(backend.upstream(), endpoint, request, filters);
  }

  /** Whether the tries carry a WebSocket upgrade. */
  boolean upgrade() {
    return upgrade != null;
  }

  /** A retry: a backend picked again by weight; null when the pick cannot be forwarded to. */
  Attempt next() {
    return attempt(route.pickBackend());
  }

  /**
   * The head to forward with these filters (URLRewrite, header modifiers), without any upgrade: a
   * mirror gets a plain request.
   */
  HttpRequest upstreamRequest(List<FilterChain> filters) {
    return upstreamRequest(filters, false);
  }

  private HttpRequest upstreamRequest(List<FilterChain> filters, boolean editInPlace) {
    if (originalEdited) {
      // A second head from an original already edited would carry the edits twice.
      throw new IllegalStateException("the request head was given to a single try");
    }
    originalEdited = editInPlace;
    String path = target.path();
    for (FilterChain chain : filters) {
      if (chain.urlRewrite() != null) {
        path = RedirectLocation.rewritePath(chain.urlRewrite().path(), path);
      }
    }
    String pathAndQuery = target.rawQuery() == null ? path : path + "?" + target.rawQuery();
    return ProxyHeaders.upstreamRequest(
        original, pathAndQuery, clientIp, scheme, filters, editInPlace);
  }
}
