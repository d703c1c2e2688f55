package dev.archway.dataplane.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.logging.LogLevel;

/**
 * Checks the stream of every inbound HEADERS frame before Netty's decoder acts on it, where Netty
 * is lenient (RFC 9113 §5.1, §5.1.1; h2spec 5.1/6, 5.1/12, 5.1.1/2):
 *
 * <ul>
 *   <li>HEADERS on a stream the client already ended (half-closed remote) or that is closed is a
 *       STREAM_CLOSED error: Netty answers a reset at best, or ignores the frame;
 *   <li>HEADERS on a stream id the client skipped (lower than one it already used, never opened) is
 *       a connection error PROTOCOL_ERROR: Netty treats it like a closed stream.
 * </ul>
 *
 * Both end the connection with GOAWAY. Netty's only hook that sees each decoded HEADERS frame
 * before the decoder does is the inbound frame logger, so that is what this extends; it logs
 * nothing. The gaps between stream ids the client used are remembered (few: clients count up by
 * two), to tell a skipped id from a closed one.
 */
final class Http2StreamIdGuard extends Http2FrameLogger {
  private static final int MAX_GAPS = 16;

  private Http2Connection connection;
  private final int[] gapFrom = new int[MAX_GAPS];
  private final int[] gapTo = new int[MAX_GAPS];
  private int gaps;
  private boolean gapsOverflowed;

  Http2StreamIdGuard() {
    super(LogLevel.TRACE, Http2StreamIdGuard.class);
  }

  /** Set once the codec is built; frames are read only after that. */
  void connection(Http2Connection connection) {
    this.connection = connection;
  }

  @Override
  public void logHeaders(
      Direction direction,
      ChannelHandlerContext ctx,
      int streamId,
      Http2Headers headers,
      int padding,
      boolean endStream) {
    check(direction, streamId);
  }

  @Override
  public void logHeaders(
      Direction direction,
      ChannelHandlerContext ctx,
      int streamId,
      Http2Headers headers,
      int streamDependency,
      short weight,
      boolean exclusive,
      int padding,
      boolean endStream) {
    check(direction, streamId);
  }

  private void check(Direction direction, int streamId) {
    if (direction != Direction.INBOUND || connection == null || (streamId & 1) == 0) {
      return;
    }
    Http2Stream stream = connection.stream(streamId);
    int last = connection.remote().lastStreamCreated();
    if (stream != null) {
      if (stream.state() == Http2Stream.State.HALF_CLOSED_REMOTE
          || stream.state() == Http2Stream.State.CLOSED) {
        throw sneaky(Http2Error.STREAM_CLOSED, "HEADERS on ended stream " + streamId);
      }
      return;
    }
    if (streamId > last) {
      if (streamId > last + 2) {
        rememberGap(last + 2, streamId - 2);
      }
      return;
    }
    if (gapsOverflowed || inGap(streamId)) {
      throw sneaky(Http2Error.PROTOCOL_ERROR, "stream " + streamId + " is lower than " + last);
    }
    throw sneaky(Http2Error.STREAM_CLOSED, "HEADERS on closed stream " + streamId);
  }

  private void rememberGap(int from, int to) {
    if (gaps == MAX_GAPS) {
      gapsOverflowed = true;
      return;
    }
    gapFrom[gaps] = from;
    gapTo[gaps] = to;
    gaps++;
  }

  private boolean inGap(int streamId) {
    for (int i = 0; i < gaps; i++) {
      if (streamId >= gapFrom[i] && streamId <= gapTo[i]) {
        return true;
      }
    }
    return false;
  }

  /**
   * A connection error thrown through the logger's signature, which declares none; the frame
   * reader's caller handles any {@link Http2Exception} as a connection error (GOAWAY, close).
   */
  private static RuntimeException sneaky(Http2Error error, String message) {
    Http2Exception exception = Http2Exception.connectionError(error, "%s", message);
    Http2StreamIdGuard.<RuntimeException>throwUnchecked(exception);
    return new IllegalStateException("unreachable");
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void throwUnchecked(Throwable t) throws T {
    throw (T) t;
  }
}
