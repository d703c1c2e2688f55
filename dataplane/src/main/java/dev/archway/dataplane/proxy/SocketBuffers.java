package dev.archway.dataplane.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;

/**
 * How much one read of a socket may bring and how much may wait to be written to a socket before
 * whoever feeds it is paused, for every TCP socket of the data plane; and how the HTTP/1 decoders
 * cut what was read.
 *
 * <p>Netty's defaults are reads of at most 64 KiB, bodies passed on in pieces of at most 8 KiB and
 * a channel turning unwritable past 64 KiB waiting. Relaying a large body, a read queued more than
 * 64 KiB for the other side before it could be flushed: the other side turned unwritable and the
 * reading side was paused, and the flush right after made it writable and resumed the reading side,
 * two {@code epoll_ctl} system calls for nearly every read. Now a read brings up to 256 KiB, passed
 * on as one piece, and a whole read fits under the high-water mark on top of what is left below the
 * low one, so a side is paused only when its reader really falls behind. Measured in
 * docs/benchmarks.md (<em>Large bodies: bigger reads</em>): system calls per MiB streamed 80 to 36,
 * the proxy's CPU per MiB down by a sixth to a third.
 *
 * <p>What this costs: the read buffer starts small and grows only while reads fill it, so small
 * messages keep small buffers; a decoder's piece is a slice of the read buffer, never a copy. A
 * connection whose reader stalls holds at most the high-water mark plus one read in the proxy
 * (about 576 KiB instead of 128 KiB); Envoy allows 1 MiB per connection by default.
 */
public final class SocketBuffers {
  /** The most one read may bring. */
  public static final int MAX_READ = 256 * 1024;

  /** The size of the body pieces the HTTP/1 decoders pass on: a whole read. */
  public static final int MAX_BODY_PIECE = MAX_READ;

  private static final int LOW_WATER = 64 * 1024;

  private static final RecvByteBufAllocator ALLOCATOR =
      new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ);

  private static final WriteBufferWaterMark WATER_MARK =
      new WriteBufferWaterMark(LOW_WATER, LOW_WATER + MAX_READ);

  private SocketBuffers() {}

  /** The sizing for the sockets {@code bootstrap} connects. */
  public static Bootstrap on(Bootstrap bootstrap) {
    return bootstrap
        .option(ChannelOption.RCVBUF_ALLOCATOR, ALLOCATOR)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
  }

  /** The sizing for the sockets {@code bootstrap} accepts. */
  public static ServerBootstrap onAccepted(ServerBootstrap bootstrap) {
    return bootstrap
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, ALLOCATOR)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
  }

  /**
   * The same high-water mark for an HTTP/2 stream's channel: without it a read of the stream's
   * upstream turned the stream unwritable as on a socket, pausing and resuming that upstream.
   */
  static void onStream(Channel stream) {
    stream.config().setWriteBufferWaterMark(WATER_MARK);
  }
}
