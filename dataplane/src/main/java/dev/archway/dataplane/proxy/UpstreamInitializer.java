package dev.archway.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of an upstream connection: HTTP/1.1 client codec, idle timer, {@link
 * UpstreamHandler}.
 */
final class UpstreamInitializer extends ChannelInitializer<Channel> {
  private final UpstreamPool pool;
  private final Duration idleTimeout;

  UpstreamInitializer(UpstreamPool pool, Duration idleTimeout) {
    this.pool = pool;
    this.idleTimeout = idleTimeout;
  }

  @Override
  protected void initChannel(Channel ch) {
    ch.pipeline()
        .addLast(new HttpClientCodec())
        .addLast(new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS))
        .addLast(new UpstreamHandler(pool));
  }
}
