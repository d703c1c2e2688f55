package dev.archway.echo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Writes a body of {@code size} bytes where byte {@code i} is {@code i % 251}, one chunk at a time:
 * the next chunk is written only after the previous one left the process, so a slow reader slows
 * the writer down instead of filling memory.
 */
final class PatternWriter {
  private static final int CHUNK = 64 * 1024;
  private static final int PERIOD = 251;

  /** The pattern from offset 0, long enough to copy any chunk from offset {@code written % 251}. */
  private static final byte[] PATTERN = new byte[CHUNK + PERIOD];

  static {
    for (int i = 0; i < PATTERN.length; i++) {
      PATTERN[i] = (byte) (i % PERIOD);
    }
  }

  private final ChannelHandlerContext ctx;
  private final long size;
  private long written;

  PatternWriter(ChannelHandlerContext ctx, long size) {
    this.ctx = ctx;
    this.size = size;
  }

  void writeNext() {
    if (written >= size) {
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      return;
    }
    int n = (int) Math.min(CHUNK, size - written);
    // One bulk copy per chunk: byte-by-byte writes are slow under paranoid leak detection.
    ByteBuf chunk = ctx.alloc().buffer(n).writeBytes(PATTERN, (int) (written % PERIOD), n);
    written += n;
    ChannelFuture f = ctx.writeAndFlush(new DefaultHttpContent(chunk));
    f.addListener(
        done -> {
          if (done.isSuccess()) {
            writeNext();
          }
        });
  }
}
