package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.ListenerKey;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;

/**
 * Builds the pipeline of a connection accepted on an HTTP listener. Both protocols end in the same
 * {@link ProxyHandler}:
 *
 * <pre>
 * HTTP/1.1: HttpServerCodec → HttpServerExpectContinueHandler → ProxyHandler
 * HTTP/2:   Http2FrameCodec → Http2MultiplexHandler → Http2DrainHandler
 *             per stream: Http2StreamFrameToHttpObjectCodec → ProxyHandler
 * </pre>
 *
 * Which one is decided by {@link PrefaceDetectHandler} on the first bytes.
 */
public final class HttpListenerInitializer extends ChannelInitializer<Channel> {
  private final ProxyContext proxy;
  private final ListenerKey listener;
  private final ChannelGroup connections;

  /**
   * @param connections every accepted connection is added here, so that the listener can drain them
   *     when it closes
   */
  public HttpListenerInitializer(
      ProxyContext proxy, ListenerKey listener, ChannelGroup connections) {
    this.proxy = proxy;
    this.listener = listener;
    this.connections = connections;
  }

  @Override
  protected void initChannel(Channel ch) {
    connections.add(ch);
    ch.pipeline().addLast(new PrefaceDetectHandler(this));
  }

  void configureHttp1(ChannelPipeline pipeline) {
    pipeline.addLast(new HttpServerCodec());
    pipeline.addLast(new HttpServerExpectContinueHandler());
    pipeline.addLast(new ProxyHandler(proxy, listener, false));
  }

  void configureHttp2(ChannelPipeline pipeline) {
    pipeline.addLast(
        Http2FrameCodecBuilder.forServer()
            .gracefulShutdownTimeoutMillis(proxy.drainTimeout().toMillis())
            .build());
    pipeline.addLast(new Http2MultiplexHandler(new Http2StreamInitializer(proxy, listener)));
    pipeline.addLast(new Http2DrainHandler());
  }
}
