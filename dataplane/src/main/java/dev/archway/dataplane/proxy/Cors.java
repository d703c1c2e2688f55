package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.CorsPolicy;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The CORS filter at the gateway (HTTPRoute {@code cors}, GEP-1767): a preflight is answered here,
 * never forwarded; an actual request with an allowed Origin gets the response headers that let the
 * browser read the answer. A disallowed Origin gets no {@code Access-Control-*} header at all.
 */
final class Cors {
  private Cors() {}

  /** OPTIONS with Origin and Access-Control-Request-Method. */
  static boolean isPreflight(HttpRequest request) {
    return request.method().equals(HttpMethod.OPTIONS)
        && request.headers().contains(HttpHeaderNames.ORIGIN)
        && request.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
  }

  static FullHttpResponse preflight(
      CorsPolicy policy, String origin, HttpHeaders requestHeaders, boolean keepAlive) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    HttpHeaders h = response.headers();
    String allowOrigin = policy.allowOrigin(origin);
    if (allowOrigin != null) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin);
      // A wildcard is answered with what the browser asked for: browsers ignore "*" on
      // credentialed requests, and GEP-1767 (HTTPRouteCORS conformance) expects the echo.
      setIfPresent(
          h,
          HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS,
          echoWildcard(
              policy.allowMethods(),
              requestHeaders.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD)));
      setIfPresent(
          h,
          HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
          echoWildcard(
              policy.allowHeaders(),
              requestHeaders.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS)));
      setIfPresent(h, HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, policy.exposeHeaders());
      h.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, policy.maxAge());
      if (policy.allowCredentials()) {
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
      }
    }
    h.set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    ProxyHeaders.markClose(response, keepAlive);
    return response;
  }

  /**
   * The headers an actual (non-preflight) response gets, or null when the origin is not allowed.
   */
  static HttpHeaders actualResponseHeaders(CorsPolicy policy, String origin) {
    String allowOrigin = policy.allowOrigin(origin);
    if (allowOrigin == null) {
      return null;
    }
    HttpHeaders h = new DefaultHttpHeaders();
    h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin);
    if (policy.allowCredentials()) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    setIfPresent(h, HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, policy.exposeHeaders());
    h.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    return h;
  }

  /** {@code configured}, except that {@code *} becomes {@code requested} when there is one. */
  static String echoWildcard(String configured, String requested) {
    if ("*".equals(configured) && requested != null && !requested.isBlank()) {
      return requested;
    }
    return configured;
  }

  private static void setIfPresent(HttpHeaders h, CharSequence name, String value) {
    if (value != null) {
      h.set(name, value);
    }
  }
}
