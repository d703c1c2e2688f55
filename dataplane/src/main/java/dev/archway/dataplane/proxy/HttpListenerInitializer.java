package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.ListenerKey;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;

/**
 * Builds the pipeline of a connection accepted on an HTTP listener. Both protocols end in the same
 * {@link ProxyHandler}:
 *
 * <pre>
 * HTTP/1.1: Http1ServerCodec → Http1TimeoutHandler → HttpServerExpectContinueHandler → ProxyHandler
 * HTTP/2:   Http2FrameCodec → Http2MultiplexHandler → Http2DrainHandler
 *             per stream: Http2StreamFrameToHttpObjectCodec → ProxyHandler
 * </pre>
 *
 * Which one is decided by {@link PrefaceDetectHandler} on the first bytes; {@link ServerPipelines}
 * builds each (with the edge limits).
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
    ServerPipelines.http1(pipeline, proxy, listener);
  }

  void configureHttp2(ChannelPipeline pipeline) {
    ServerPipelines.http2(pipeline, proxy, listener);
  }
}
