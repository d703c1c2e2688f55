package dev.archway.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * The request half of a {@link ProxyExchange}: streams the body to the current try's upstream
 * channel, holding what arrives while it connects.
 *
 * <p>A request without a body keeps nothing: each try sends the end of the request itself, so that
 * a retry can send it again ({@link #replayable}). A streamed body is not kept once sent, so a
 * request with one is never sent twice.
 */
final class RequestForwarder {
  private final boolean bodiless;
  private final boolean endsWithHead;
  private final List<HttpContent> pending = new ArrayList<>(2);
  private boolean complete;
  private boolean endWritten;

  /**
   * @param bodiless whether the request has no body
   * @param endsWithHead whether the client's request came as one message with its end (an HTTP/1.1
   *     request without a body, an HTTP/2 stream that ended with its HEADERS): the first try then
   *     sends head and end as one message too, although the end reaches {@link #onContent} only
   *     after the try started
   */
  RequestForwarder(boolean bodiless, boolean endsWithHead) {
    this.bodiless = bodiless;
    this.endsWithHead = bodiless && endsWithHead;
  }

  /** Whether the request's last content has arrived. */
  boolean complete() {
    return complete;
  }

  void markComplete() {
    complete = true;
  }

  /** Whether the current try's upstream has been sent the whole request. */
  boolean endWritten() {
    return endWritten;
  }

  /** Whether the whole request can be sent again on another try. */
  boolean replayable() {
    return bodiless && complete;
  }

  /** Sends {@code head} and whatever of the request is there on a new try's channel. */
  void send(Channel upstream, HttpRequest head) {
    if (bodiless && (complete || endsWithHead)) {
      // Head and end as one message: one pass down the upstream's pipeline, and for HTTP/2 a
      // HEADERS frame that ends the stream instead of an empty DATA frame after it. A wrapper
      // around the head's own parts, so that a retry can send the head again.
      endWritten = true;
      upstream.writeAndFlush(BodilessRequest.of(head), upstream.voidPromise());
      return;
    }
    endWritten = false;
    upstream.write(head, upstream.voidPromise());
    if (!bodiless) {
      for (HttpContent c : pending) {
        endWritten |= c instanceof LastHttpContent;
        upstream.write(c, upstream.voidPromise());
      }
      pending.clear();
    }
    upstream.flush();
  }

  /**
   * The next piece of the body, owned (and released) here.
   *
   * @param upstream the current try's channel, or null while it connects
   * @param ended whether the exchange is over (the content is dropped)
   */
  void onContent(HttpContent content, Channel upstream, boolean ended) {
    boolean last = content instanceof LastHttpContent;
    complete |= last;
    if (ended) {
      content.release();
    } else if (bodiless) {
      content.release();
      if (last && upstream != null && !endWritten) {
        endWritten = true;
        upstream.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, upstream.voidPromise());
      }
    } else if (upstream == null) {
      pending.add(content);
    } else {
      endWritten |= last;
      upstream.writeAndFlush(content, upstream.voidPromise());
    }
  }

  /** The exchange ended: drops what was held for an upstream that will never come. */
  void releasePending() {
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
  }
}
