package dev.archway.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpVersion;

/**
 * WebSocket over HTTP/1.1 (RFC 6455 §4): an {@code Upgrade: websocket} request is forwarded with
 * its Upgrade and Connection headers on a fresh upstream connection that never goes back to the
 * pool. When the upstream answers 101, the answer goes to the client and both connections stop
 * speaking HTTP: their HTTP handlers are removed and a {@link TunnelHandler} on each side relays
 * bytes to the other, with backpressure, until either side closes. Any other answer is proxied as a
 * normal response.
 *
 * <p>Any destination can be upgraded (appProtocol {@code kubernetes.io/ws} marks WEBSOCKET
 * destinations, which behave the same); an H2C destination is spoken to in HTTP/1.1 for the
 * upgrade. WebSocket over HTTP/2 (extended CONNECT, RFC 8441) is not supported: HTTP/2 listeners do
 * not advertise SETTINGS_ENABLE_CONNECT_PROTOCOL, so clients use HTTP/1.1.
 */
final class WebSocketUpgrade {
  private WebSocketUpgrade() {}

  /**
   * The Upgrade header of an HTTP/1.1 GET that asks for WebSocket (an Upgrade listing {@code
   * websocket} and a Connection listing {@code upgrade}), or null for any other request.
   */
  static String requested(HttpRequest request) {
    if (!request.protocolVersion().equals(HttpVersion.HTTP_1_1)
        || !request.method().equals(HttpMethod.GET)) {
      return null;
    }
    HttpHeaders headers = request.headers();
    if (!headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
      return null;
    }
    return headers.get(HttpHeaderNames.UPGRADE);
  }

  /** Puts back the two hop-by-hop headers that carry the upgrade to the next hop. */
  static void carry(HttpHeaders headers, String upgrade) {
    headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    headers.set(HttpHeaderNames.UPGRADE, upgrade);
  }

  /** Whether an upstream's 101 really switched to WebSocket. */
  static boolean accepted(HttpResponse response) {
    return response
        .headers()
        .containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  /** The 101 for the client: the upstream's head as filtered for a response, upgrade restored. */
  static HttpResponse switchingProtocols(HttpResponse filtered, HttpResponse upstream) {
    HttpResponse head =
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, upstream.status(), filtered.headers());
    head.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
    head.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
    carry(head.headers(), upstream.headers().get(HttpHeaderNames.UPGRADE));
    return head;
  }

  /**
   * Turns both connections into a byte tunnel, once the 101 has been written to the client: {@code
   * down} is the proxy handler's context on the client connection, {@code upstream} a connection on
   * the same event loop. Bytes the HTTP decoders had read past the handshake reach the tunnel when
   * the decoders are removed.
   */
  static void join(ChannelHandlerContext down, Channel upstream) {
    Channel client = down.channel();
    ChannelPipeline up = upstream.pipeline();
    up.replace(UpstreamHandler.class, "tunnel", new TunnelHandler(client));
    removeIfPresent(up, Http1ClientCodec.Encoder.class);
    removeIfPresent(up, Http1ClientCodec.Decoder.class);
    ChannelPipeline downPipeline = client.pipeline();
    downPipeline.replace(down.name(), "tunnel", new TunnelHandler(upstream));
    removeIfPresent(downPipeline, HttpServerExpectContinueHandler.class);
    removeIfPresent(downPipeline, Http1TimeoutHandler.class);
    removeIfPresent(downPipeline, Http1ServerCodec.Encoder.class);
    removeIfPresent(downPipeline, Http1ServerCodec.Decoder.class);
    upstream.config().setAutoRead(client.isWritable());
    client.config().setAutoRead(upstream.isWritable());
  }

  private static void removeIfPresent(
      ChannelPipeline pipeline, Class<? extends io.netty.channel.ChannelHandler> type) {
    if (pipeline.get(type) != null) {
      pipeline.remove(type);
    }
  }
}
