package dev.archway.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of an upstream connection: {@code SslHandler} when the destination has TLS, flush
 * consolidation, then either HTTP/1.1 (client codec, {@link UpstreamHandler}) or HTTP/2 (frame
 * codec with 1 MiB stream windows, multiplexer, idle timer, {@link Http2Upstream.ParentHandler};
 * streams get their own pipeline).
 */
final class UpstreamInitializer extends ChannelInitializer<Channel> {
  /**
   * The receive window of each stream on an HTTP/2 upstream connection. At the protocol's 64 KiB, a
   * response larger than that came at 1.6 MiB/s from an nginx h2c upstream (the upstream waited at
   * the end of every window); at 1 MiB it came at 300 MiB/s (docs/benchmarks.md, <i>HTTP/2 upstream
   * stream window</i>). A response whose client stalls holds at most this much in the proxy, about
   * what an HTTP/1.1 upstream connection may hold ({@link SocketBuffers}). Netty's frame codec
   * grows the connection's window to about twice that, so that one stream cannot take it all.
   */
  static final int STREAM_WINDOW_BYTES = 1024 * 1024;

  private final UpstreamPool pool;
  private final Duration idleTimeout;
  private final UpstreamPool.Key key;
  private final boolean http2;

  UpstreamInitializer(
      UpstreamPool pool, Duration idleTimeout, UpstreamPool.Key key, boolean http2) {
    this.pool = pool;
    this.idleTimeout = idleTimeout;
    this.key = key;
    this.http2 = http2;
  }

  @Override
  protected void initChannel(Channel ch) {
    if (key.tls() != null) {
      ch.pipeline().addLast(key.tls().newHandler(ch.alloc(), key.endpoint()));
    }
    // Flushes are gathered per event-loop turn, as on the client side (ServerPipelines): for
    // HTTP/2 the requests of many client streams go out in one write, and for HTTP/1.1 the requests
    // read from clients in one turn are sent back to back after those reads, not one between each.
    ch.pipeline().addLast(ServerPipelines.gatheredFlushes());
    if (http2) {
      ch.pipeline()
          .addLast(
              Http2FrameCodecBuilder.forClient()
                  .validateHeaders(true)
                  .initialSettings(
                      Http2Settings.defaultSettings().initialWindowSize(STREAM_WINDOW_BYTES))
                  .build())
          .addLast(new Http2MultiplexHandler(new Http2Upstream.RefuseInbound()))
          .addLast(new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS))
          .addLast(new Http2Upstream.ParentHandler());
      return;
    }
    UpstreamHandler handler = new UpstreamHandler(pool);
    handler.key(key);
    // Its idle timeout is kept by the pool (IdleUpstreams), not by a handler here.
    ch.pipeline().addLast(http1Codec().handlers()).addLast(handler);
  }

  /**
   * The HTTP/1.1 client codec ({@link Http1ClientCodec}) with Netty's decoder defaults but for the
   * body pieces ({@link SocketBuffers}).
   */
  static Http1ClientCodec http1Codec() {
    return new Http1ClientCodec(
        new HttpDecoderConfig()
            .setMaxChunkSize(SocketBuffers.MAX_BODY_PIECE)
            .setHeadersFactory(KnownHeaderNames.HEADERS));
  }
}
