package dev.archway.echo;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the echo server's pipeline: a {@link PrefaceDetectHandler} first, then either HTTP/1.1
 * with keep-alive or HTTP/2 with one child channel per stream. Both end in an {@link EchoHandler}
 * that sees plain HTTP/1 objects, so there is one echo implementation for both protocols. Over
 * HTTP/1.1, {@code /ws} (and paths under it) is a WebSocket echo ({@link WebSocketEchoHandler}).
 */
final class EchoInitializer extends ChannelInitializer<SocketChannel> {
  private final EchoIdentity identity;
  private final AtomicInteger connections = new AtomicInteger();
  private final EchoState state = new EchoState();

  EchoInitializer(EchoIdentity identity) {
    this.identity = identity;
  }

  EchoState state() {
    return state;
  }

  /** How many connections were accepted so far. */
  int connections() {
    return connections.get();
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    connections.incrementAndGet();
    ch.pipeline().addLast(new PrefaceDetectHandler(this));
  }

  void configureHttp1(ChannelPipeline pipeline) {
    pipeline.addLast(new HttpServerCodec());
    pipeline.addLast(new HttpServerExpectContinueHandler());
    pipeline.addLast(new HttpServerKeepAliveHandler());
    pipeline.addLast(
        new WebSocketServerProtocolHandler(
            WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws")
                .checkStartsWith(true)
                .decoderConfig(
                    WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(WebSocketEchoHandler.MAX_MESSAGE_BYTES)
                        .build())
                .build()));
    pipeline.addLast(new WebSocketFrameAggregator(WebSocketEchoHandler.MAX_MESSAGE_BYTES));
    pipeline.addLast(new WebSocketEchoHandler());
    pipeline.addLast(new EchoHandler(identity, state, "HTTP/1.1"));
  }

  void configureHttp2(ChannelPipeline pipeline) {
    pipeline.addLast(Http2FrameCodecBuilder.forServer().build());
    pipeline.addLast(
        new Http2MultiplexHandler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
                stream.pipeline().addLast(new EchoHandler(identity, state, "HTTP/2.0"));
              }
            }));
  }
}
