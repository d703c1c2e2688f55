package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.Upstream;
import dev.archway.dataplane.routing.UpstreamTlsContext;
import dev.archway.ir.Destination;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * Upstream connections for one event loop; every method runs on that loop.
 *
 * <p>HTTP/1.1 destinations get keep-alive connections, the most recently used handed out first (the
 * least likely to have been closed by the server's idle timeout). H2C destinations get one HTTP/2
 * connection per endpoint, multiplexing a stream per request ({@link Http2Upstream}); a new one is
 * made when it goes away or receives GOAWAY. Either way the channel handed out yields HTTP/1
 * objects and ends in an {@link UpstreamHandler}, so an exchange does not care which it got.
 * Destinations with TLS add an {@link SslHandler} with the policy's SNI and check the server's
 * identity before the channel is handed out. Connections are keyed by endpoint and TLS settings, so
 * two destinations with different policies never share one.
 */
final class UpstreamPool {
  private static final int MAX_IDLE_PER_ENDPOINT = 128;

  /** What makes connections interchangeable. */
  record Key(InetSocketAddress endpoint, UpstreamTlsContext tls, boolean http2) {}

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final Duration idleTimeout;
  private final IdleUpstreams idle;
  private final Map<Key, Http2Upstream> http2 = new HashMap<>();

  UpstreamPool(
      EventLoop loop,
      Transport transport,
      Duration connectTimeout,
      Duration idleTimeout,
      AddressResolverGroup<InetSocketAddress> resolver) {
    this.loop = loop;
    this.idleTimeout = idleTimeout;
    this.idle = new IdleUpstreams(loop, idleTimeout, MAX_IDLE_PER_ENDPOINT);
    this.bootstrap =
        SocketBuffers.on(new Bootstrap())
            .group(loop)
            .channel(transport.socketChannel())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .resolver(resolver);
  }

  static Key key(Upstream upstream, InetSocketAddress endpoint) {
    return key(upstream, endpoint, false);
  }

  /**
   * The key for a request; {@code upgrade} (a WebSocket request) asks for HTTP/1.1 whatever the
   * destination's protocol, since only HTTP/1.1 has Upgrade.
   */
  static Key key(Upstream upstream, InetSocketAddress endpoint, boolean upgrade) {
    return new Key(
        endpoint, upstream.tls(), !upgrade && upstream.protocol() == Destination.AppProtocol.H2C);
  }

  /**
   * A channel to send one request on: an idle HTTP/1.1 connection (unless {@code fresh}), a new
   * one, or a new stream of the endpoint's HTTP/2 connection. The future completes on this loop.
   */
  Future<Channel> acquire(Key key, boolean fresh) {
    if (key.http2()) {
      Http2Upstream connection = http2.get(key);
      if (connection == null || !connection.usable()) {
        connection = new Http2Upstream(this, loop, key, connect(key, true));
        http2.put(key, connection);
      }
      return connection.openStream();
    }
    Channel channel = fresh ? null : idle.poll(key);
    if (channel != null) {
      UpstreamHandler.of(channel).reused(true);
      return loop.newSucceededFuture(channel);
    }
    return connect(key, false);
  }

  /** Connects, and for TLS completes only after the handshake and the identity check. */
  private Future<Channel> connect(Key key, boolean http2Connection) {
    Promise<Channel> promise = loop.newPromise();
    ChannelFuture connect =
        bootstrap
            .clone()
            .handler(new UpstreamInitializer(this, idleTimeout, key, http2Connection))
            .connect(key.endpoint());
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            promise.tryFailure(f.cause());
            return;
          }
          Channel channel = connect.channel();
          SslHandler ssl = channel.pipeline().get(SslHandler.class);
          if (ssl == null) {
            promise.trySuccess(channel);
            return;
          }
          ssl.handshakeFuture()
              .addListener(
                  h -> {
                    String mismatch =
                        h.isSuccess()
                            ? key.tls().identityMismatch(ssl.engine().getSession())
                            : null;
                    if (h.isSuccess() && mismatch == null) {
                      promise.trySuccess(channel);
                    } else {
                      channel.close();
                      promise.tryFailure(
                          new UpstreamTlsException(
                              mismatch != null
                                  ? mismatch
                                  : String.valueOf(h.cause().getMessage())));
                    }
                  });
        });
    return promise;
  }

  /** The handshake failed or the server is not who the policy names. */
  static final class UpstreamTlsException extends Exception {
    UpstreamTlsException(String message) {
      super("upstream TLS: " + message, null, false, false);
    }
  }

  /** Returns a channel whose exchange finished cleanly (HTTP/2 streams are just closed). */
  void release(Channel channel, Key key) {
    if (key.http2()) {
      channel.close();
      return;
    }
    if (!channel.isActive()) {
      return;
    }
    if (!idle.offer(key, channel)) {
      channel.close();
      return;
    }
    AutoRead.set(channel, true); // notice a close by the server while idle
  }

  /** Forgets an idle HTTP/1.1 connection that closed. */
  void evict(Channel channel, Key key) {
    idle.remove(key, channel);
  }

  /** Forgets an HTTP/2 connection that closed or received GOAWAY. */
  void evictHttp2(Http2Upstream connection, Key key) {
    http2.remove(key, connection);
  }

  void closeIdle() {
    idle.closeAll();
    new ArrayList<>(http2.values()).forEach(Http2Upstream::close);
    http2.clear();
  }
}
