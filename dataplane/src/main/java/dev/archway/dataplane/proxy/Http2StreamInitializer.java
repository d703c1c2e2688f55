package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.ListenerKey;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

/**
 * The pipeline of one HTTP/2 stream: frames become HTTP/1 objects, so the same {@link ProxyHandler}
 * forwards HTTP/2 streams to HTTP/1.1 upstreams. The stream channel runs on its connection's event
 * loop, so its upstream connection comes from that loop's pool as well.
 */
final class Http2StreamInitializer extends ChannelInitializer<Channel> {
  private final ProxyContext proxy;
  private final ListenerKey listener;

  Http2StreamInitializer(ProxyContext proxy, ListenerKey listener) {
    this.proxy = proxy;
    this.listener = listener;
  }

  @Override
  protected void initChannel(Channel stream) {
    SocketBuffers.onStream(stream);
    stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
    stream.pipeline().addLast(new Http2StreamIdleHandler(proxy.limits()));
    stream.pipeline().addLast(new ProxyHandler(proxy, listener, true));
  }
}
