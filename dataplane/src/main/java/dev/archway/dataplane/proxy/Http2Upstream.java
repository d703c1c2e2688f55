package dev.archway.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * One HTTP/2 connection to an upstream endpoint (H2C destinations, or HTTP/2 over TLS), shared by
 * every request of its event loop: each request opens a stream whose pipeline turns frames into
 * HTTP/1 objects ({@link Http2StreamFrameToHttpObjectCodec}) and ends in an {@link
 * UpstreamHandler}, like an HTTP/1.1 connection. Trailers travel as {@code LastHttpContent}
 * trailing headers both ways. After GOAWAY or a close, the pool forgets the connection and the next
 * request makes a new one; streams already open finish on the old one.
 */
final class Http2Upstream {
  private final UpstreamPool pool;
  private final EventLoop loop;
  private final UpstreamPool.Key key;
  private final Future<Channel> connecting;
  private boolean goingAway;

  Http2Upstream(
      UpstreamPool pool, EventLoop loop, UpstreamPool.Key key, Future<Channel> connecting) {
    this.pool = pool;
    this.loop = loop;
    this.key = key;
    this.connecting = connecting;
    connecting.addListener(
        f -> {
          if (f.isSuccess()) {
            Channel parent = connecting.getNow();
            parent.pipeline().get(ParentHandler.class).owner = this;
            parent.closeFuture().addListener(c -> goAway());
          } else {
            goAway();
          }
        });
  }

  /** Whether new streams may be opened here. */
  boolean usable() {
    return !goingAway && (!connecting.isDone() || connecting.getNow() != null);
  }

  private void goAway() {
    goingAway = true;
    pool.evictHttp2(this, key);
  }

  Future<Channel> openStream() {
    Promise<Channel> promise = loop.newPromise();
    connecting.addListener(
        f -> {
          if (!f.isSuccess()) {
            promise.tryFailure(f.cause());
            return;
          }
          new Http2StreamChannelBootstrap(connecting.getNow())
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel stream) {
                      stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false));
                      stream.pipeline().addLast(new UpstreamHandler(pool));
                    }
                  })
              .open()
              .addListener(
                  s -> {
                    if (s.isSuccess()) {
                      promise.trySuccess((Channel) s.getNow());
                    } else {
                      promise.tryFailure(s.cause());
                    }
                  });
        });
    return promise;
  }

  void close() {
    goingAway = true;
    if (connecting.isSuccess()) {
      connecting.getNow().close();
    }
  }

  /** The end of the connection's pipeline: notices GOAWAY and idleness. */
  static final class ParentHandler extends ChannelInboundHandlerAdapter {
    private Http2Upstream owner;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2GoAwayFrame && owner != null) {
        owner.goAway();
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
        if (codec == null || codec.connection().numActiveStreams() == 0) {
          ctx.close();
        }
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Servers do not push to the proxy: an inbound stream is refused. */
  static final class RefuseInbound extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.close();
    }
  }
}
