package dev.archway.dataplane.listener;

import dev.archway.dataplane.proxy.HttpListenerInitializer;
import dev.archway.dataplane.proxy.ProxyContext;
import dev.archway.dataplane.routing.ListenerKey;
import dev.archway.dataplane.tcp.L4Route;
import dev.archway.dataplane.tcp.TcpRelayHandler;
import dev.archway.dataplane.tls.SniSelectHandler;
import dev.archway.dataplane.tls.TlsSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Sets up a connection accepted on a TCP port by what the port serves now (the {@link
 * FrontendTable} current at accept):
 *
 * <pre>
 * HTTP:  the HTTP proxy pipeline ({@link HttpListenerInitializer})
 * HTTPS: SniSelectHandler → SslHandler (certificate by SNI) → HttpsAlpnHandler → HTTP/1.1 or HTTP/2
 * TLS:   SniSelectHandler → [SslHandler when Terminate] → TcpRelayHandler (route by SNI)
 * TCP:   TcpRelayHandler
 * </pre>
 */
final class PortInitializer extends ChannelInitializer<Channel> {
  /**
   * How long a client may take to send its ClientHello (Envoy's listener filter timeout is 15 s).
   */
  private static final long CLIENT_HELLO_TIMEOUT_MILLIS = 10_000;

  private final ListenerKey key;
  private final Supplier<FrontendTable> table;
  private final ChannelGroup connections;
  private final HttpListenerInitializer http;
  private final Class<? extends SocketChannel> socketChannel;
  private final Duration connectTimeout;

  PortInitializer(
      ListenerKey key,
      Supplier<FrontendTable> table,
      ProxyContext proxy,
      ChannelGroup connections,
      Class<? extends SocketChannel> socketChannel,
      Duration connectTimeout) {
    this.key = key;
    this.table = table;
    this.connections = connections;
    this.http = new HttpListenerInitializer(proxy, key, connections);
    this.socketChannel = socketChannel;
    this.connectTimeout = connectTimeout;
  }

  @Override
  protected void initChannel(Channel ch) {
    Frontend frontend = table.get().tcp(key);
    switch (frontend) {
      case null -> ch.close();
      case Frontend.Http h when h.https() == null -> ch.pipeline().addLast(http);
      case Frontend.Http h -> {
        connections.add(ch);
        ch.pipeline()
            .addLast(
                new SniSelectHandler<>(
                    CLIENT_HELLO_TIMEOUT_MILLIS, h.https()::select, this::installHttps));
      }
      case Frontend.Tls t -> {
        connections.add(ch);
        ch.pipeline()
            .addLast(
                new SniSelectHandler<>(
                    CLIENT_HELLO_TIMEOUT_MILLIS, t.sites()::select, this::installTls));
      }
      case Frontend.Tcp t -> {
        connections.add(ch);
        InetSocketAddress target = t.route().pick();
        if (target == null) {
          ch.close(); // no route, or this connection's share goes to an invalid backend
        } else {
          ch.pipeline().addLast(new TcpRelayHandler(target, socketChannel, connectTimeout));
        }
      }
      case Frontend.Udp u -> ch.close();
    }
  }

  private void installHttps(ChannelHandlerContext sni, String hostname, Frontend.HttpsSite site) {
    new TlsSession(site.virtualHost(), hostname).attach(sni.channel());
    replace(sni, site.certificates().select(hostname), new HttpsAlpnHandler(http));
  }

  private void installTls(ChannelHandlerContext sni, String hostname, Frontend.TlsSite site) {
    L4Route route = site.route(hostname);
    InetSocketAddress target = route == null ? null : route.pick();
    if (target == null) {
      sni.close();
      return;
    }
    TcpRelayHandler relay = new TcpRelayHandler(target, socketChannel, connectTimeout);
    if (site.terminate() == null) {
      replace(sni, null, relay);
    } else {
      new TlsSession(site.virtualHost(), hostname).attach(sni.channel());
      replace(sni, site.terminate().select(hostname), relay);
    }
  }

  /**
   * Puts {@code next} (behind an SslHandler for {@code ssl}, if any) where the SNI handler is, then
   * removes it; the ClientHello bytes it buffered flow into what now follows it.
   */
  private static void replace(ChannelHandlerContext sni, SslContext ssl, ChannelHandler next) {
    ChannelPipeline pipeline = sni.pipeline();
    pipeline.addAfter(sni.name(), null, next);
    if (ssl != null) {
      SslHandler handler = ssl.newHandler(sni.alloc());
      pipeline.addAfter(sni.name(), null, handler);
    }
    pipeline.remove(sni.handler());
  }
}
