package dev.archway.dataplane.proxy;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A response's head and end as one message: one pass along a pipeline instead of two, and for
 * HTTP/2 a HEADERS frame that can carry END_STREAM (docs/benchmarks.md, <i>Head and end as one
 * message</i>).
 */
final class WholeResponse {
  private WholeResponse() {}

  /**
   * A {@code FullHttpResponse} around {@code head}'s headers and {@code end}'s content and
   * trailers, nothing copied: the content's buffer changes hands, the {@code LastHttpContent}
   * around it is dropped.
   */
  static FullHttpResponse of(HttpResponse head, LastHttpContent end) {
    return new DefaultFullHttpResponse(
        head.protocolVersion(),
        head.status(),
        end.content(),
        head.headers(),
        end.trailingHeaders());
  }
}
