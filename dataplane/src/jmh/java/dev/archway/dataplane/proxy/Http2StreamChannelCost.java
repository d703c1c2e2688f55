package dev.archway.dataplane.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * What Netty's channel per HTTP/2 stream costs, apart from everything else the proxy does: an h2c
 * server on one event loop answering every request with the same small response, either the way
 * Archway's listeners are built ({@code stream-channels}: {@link Http2MultiplexHandler}, a child
 * channel per stream with Netty's frame-to-HTTP/1 codec) or from one handler on the connection
 * that gets the frames and answers them on their stream ({@code connection-frames}), converting
 * heads between HTTP/2 and HTTP/1 objects as the codec does. Both have the flush gathering of
 * Archway's client connections. Not a JMH benchmark: it is measured from outside, under h2load,
 * by {@code bench/h2-stream-cost.sh} (docs/benchmarks.md, "HTTP/2: what a channel per stream
 * costs").
 *
 * <pre>java -cp dataplane/target/jmh/benchmarks.jar \
 *     dev.archway.dataplane.proxy.Http2StreamChannelCost stream-channels 21900</pre>
 */
public final class Http2StreamChannelCost {
  private static final byte[] BODY =
      "hello from the bench backend\n".getBytes(StandardCharsets.US_ASCII);

  private Http2StreamChannelCost() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2
        || !(args[0].equals("stream-channels") || args[0].equals("connection-frames"))) {
      System.err.println("usage: Http2StreamChannelCost stream-channels|connection-frames PORT");
      System.exit(2);
    }
    boolean streamChannels = args[0].equals("stream-channels");
    int port = Integer.parseInt(args[1]);
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try {
      new ServerBootstrap()
          .group(loop)
          .channel(EpollServerSocketChannel.class)
          .childHandler(
              new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel connection) {
                  ChannelPipeline pipeline = connection.pipeline();
                  pipeline.addLast(ServerPipelines.gatheredFlushes());
                  pipeline.addLast(Http2FrameCodecBuilder.forServer().build());
                  pipeline.addLast(
                      streamChannels
                          ? new Http2MultiplexHandler(new StreamPipeline())
                          : new ConnectionFrames());
                }
              })
          .bind("127.0.0.1", port)
          .sync()
          .channel()
          .closeFuture()
          .sync();
    } finally {
      loop.shutdownGracefully();
    }
  }

  private static HttpResponse responseHead() {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
        .set(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
    return head;
  }

  /** A stream channel's pipeline: HTTP/1 objects in and out, as Archway's stream pipeline. */
  private static final class StreamPipeline extends ChannelInitializer<Channel> {
    @Override
    protected void initChannel(Channel stream) {
      stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
      stream.pipeline().addLast(new StreamResponder());
    }
  }

  private static final class StreamResponder extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpRequest) {
          ctx.write(responseHead(), ctx.voidPromise());
        }
        if (msg instanceof LastHttpContent) {
          ctx.writeAndFlush(
              new DefaultLastHttpContent(Unpooled.wrappedBuffer(BODY)), ctx.voidPromise());
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }

  /** Every stream's frames on the connection's own handler, with no channel per stream. */
  private static final class ConnectionFrames extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Http2Exception {
      try {
        if (msg instanceof Http2HeadersFrame headers) {
          // The conversion the stream channel's codec makes, so that both do the same work.
          HttpRequest request =
              HttpConversionUtil.toHttpRequest(headers.stream().id(), headers.headers(), true);
          if (request != null && headers.isEndStream()) {
            respond(ctx, headers.stream());
          }
        } else if (msg instanceof Http2DataFrame data && data.isEndStream()) {
          respond(ctx, data.stream());
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private static void respond(ChannelHandlerContext ctx, Http2FrameStream stream) {
      ctx.write(
          new DefaultHttp2HeadersFrame(HttpConversionUtil.toHttp2Headers(responseHead(), true))
              .stream(stream),
          ctx.voidPromise());
      ctx.write(
          new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(BODY), true).stream(stream),
          ctx.voidPromise());
      ctx.flush();
    }
  }
}
