package dev.archway.dataplane.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollMode;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Zero-copy relaying with Linux {@code splice(2)}: when both ends of a pipe are epoll sockets and
 * nothing in between needs the bytes (no TLS termination), the kernel moves them from one socket to
 * the other through a pipe, and they never enter the JVM. Netty's {@code spliceTo} keeps
 * backpressure: the source stops reading until the target has taken what was spliced.
 *
 * <p>Off unless {@code -Darchway.tcp.splice=true}: Netty 4.2 deprecates {@code spliceTo} together
 * with the level-triggered epoll mode it needs, and on loopback it measured no faster than relaying
 * through buffers (512 MiB echoed through a TCP listener: 173-262 MiB/s spliced, 162-256 MiB/s
 * buffered, bound by the echo peers on a 2-core machine). {@code SpliceIT} keeps it working.
 */
final class Splice {
  /** Connections that started splicing, for tests. */
  static final AtomicLong STARTED = new AtomicLong();

  private Splice() {}

  /**
   * Starts splicing both ways if both channels allow it.
   *
   * @return false when splicing does not apply and the caller relays through buffers
   */
  @SuppressWarnings("deprecation") // see the class comment
  static boolean start(Channel client, Channel backend) {
    if (!Boolean.getBoolean("archway.tcp.splice")
        || !(client instanceof AbstractEpollStreamChannel c)
        || !(backend instanceof AbstractEpollStreamChannel b)
        || client.pipeline().get(SslHandler.class) != null) {
      return false;
    }
    // spliceTo needs level-triggered epoll on both sides.
    c.config().setEpollMode(EpollMode.LEVEL_TRIGGERED);
    b.config().setEpollMode(EpollMode.LEVEL_TRIGGERED);
    c.spliceTo(b, Integer.MAX_VALUE)
        .addListener((ChannelFuture f) -> closeBoth(f, client, backend));
    b.spliceTo(c, Integer.MAX_VALUE)
        .addListener((ChannelFuture f) -> closeBoth(f, client, backend));
    client.config().setAutoRead(true);
    backend.config().setAutoRead(true);
    STARTED.incrementAndGet();
    return true;
  }

  private static void closeBoth(ChannelFuture splice, Channel client, Channel backend) {
    if (!splice.isSuccess()) {
      BackendRelayHandler.closeOnFlush(client);
      BackendRelayHandler.closeOnFlush(backend);
    }
  }
}
