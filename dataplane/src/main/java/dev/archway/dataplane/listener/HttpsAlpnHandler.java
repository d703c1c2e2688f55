package dev.archway.dataplane.listener;

import dev.archway.dataplane.proxy.HttpListenerInitializer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once the TLS handshake is done, puts the HTTP pipeline behind the {@code SslHandler}. ALPN offers
 * {@code h2} and {@code http/1.1}; the HTTP pipeline then tells them apart by the first bytes, as
 * it does for cleartext (an {@code h2} client starts with the connection preface, an {@code
 * http/1.1} one never does), so both paths end in the same HTTP/1 and HTTP/2 pipelines the
 * cleartext listener uses. A client that offered no ALPN is served the same way (RFC 7301 §3.2).
 */
final class HttpsAlpnHandler extends ApplicationProtocolNegotiationHandler {
  private static final Logger LOG = LoggerFactory.getLogger(HttpsAlpnHandler.class);

  private final HttpListenerInitializer http;

  HttpsAlpnHandler(HttpListenerInitializer http) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.http = http;
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    ctx.pipeline().addLast(http);
  }

  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    // Scanners and clients with the wrong trust fail handshakes all day: not worth a warning.
    LOG.debug("TLS handshake from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
