package dev.archway.dataplane.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A request without a body as one message: head and end in one pass along a pipeline instead of two
 * (docs/benchmarks.md, <i>A request without a body as one message</i>).
 */
final class BodilessRequest {
  private BodilessRequest() {}

  /**
   * A {@code FullHttpRequest} around {@code head}'s own parts, nothing copied: the head stays
   * usable (a retry builds from it again), and edits of either's headers are edits of both.
   */
  static FullHttpRequest of(HttpRequest head) {
    return new DefaultFullHttpRequest(
        head.protocolVersion(),
        head.method(),
        head.uri(),
        Unpooled.EMPTY_BUFFER,
        head.headers(),
        EmptyHttpHeaders.INSTANCE);
  }
}
