package dev.archway.dataplane.proxy;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The socket implementation: native epoll on Linux when its library loads, NIO otherwise. Server
 * and upstream channels must come from the same transport as the event loops they run on.
 */
public record Transport(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel) {

  /**
   * Epoll when available, else NIO. With {@code busyPoll}, an epoll event loop never sleeps: it
   * asks for ready sockets without waiting, again and again, so the processes that send to it never
   * have to wake its thread up (a wake-up costs the sender's CPU an inter-processor interrupt, dear
   * in a virtual machine). For event loops with CPUs of their own only: each one keeps a CPU busy
   * even without traffic. Measured in docs/benchmarks.md; HAProxy's {@code busy-polling} is the
   * same idea.
   */
  public static Transport best(boolean busyPoll) {
    if (Epoll.isAvailable()) {
      return new Transport(
          "epoll",
          busyPoll ? EpollIoHandler.newFactory(0, BUSY_WAIT) : EpollIoHandler.newFactory(),
          EpollServerSocketChannel.class,
          EpollSocketChannel.class);
    }
    return nio();
  }

  private static final SelectStrategyFactory BUSY_WAIT =
      () -> (readyNow, hasTasks) -> SelectStrategy.BUSY_WAIT;

  /** Plain Java NIO, available everywhere. */
  public static Transport nio() {
    return new Transport(
        "nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
  }
}
