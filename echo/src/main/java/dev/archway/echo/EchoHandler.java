package dev.archway.echo;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Answers each request, once its whole body has been read, with {@link EchoReply} JSON.
 *
 * <p>Understands the conformance echo server's test hooks: {@code /status/NNN} answers with that
 * status, {@code ?delay=500ms} delays the answer (scheduled on the event loop, never blocking it),
 * and {@code X-Echo-Set-Header: Name:value,Other:value} adds response headers. Beyond that, for
 * testing proxies: {@code /bytes/N} answers N bytes where byte {@code i} is {@code i % 251}
 * (written in chunks, so large bodies stream), {@code ?bodyDelay=2s} sends the reply's head at once
 * and its body that much later (as an event stream does), and the reply reports the SHA-256 of the
 * body it received as {@code bodySha256}. {@code /retry?uuid=&succeedAfter=N[&responseCode=C]}
 * fails the first N attempts per uuid, like the conformance server. Every accepted request head is
 * recorded in {@link EchoState}.
 */
final class EchoHandler extends SimpleChannelInboundHandler<HttpObject> {
  private static final String SET_HEADER = "X-Echo-Set-Header";

  private final EchoIdentity identity;
  private final EchoState state;
  private final String proto;
  private HttpRequest request;
  private long bodyLength;
  private MessageDigest digest;

  EchoHandler(EchoIdentity identity, EchoState state, String proto) {
    this.identity = identity;
    this.state = state;
    this.proto = proto;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
    if (msg instanceof HttpRequest r) {
      if (r.decoderResult().isFailure()) {
        FullHttpResponse bad =
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
        bad.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        ctx.writeAndFlush(bad).addListener(ChannelFutureListener.CLOSE);
        request = null;
        return;
      }
      state.accepted(r.method().name(), r.uri());
      request = r;
      bodyLength = 0;
      digest = sha256();
    }
    if (request == null) {
      return; // the rest of a request already refused
    }
    if (msg instanceof HttpContent content) {
      bodyLength += content.content().readableBytes();
      digest.update(content.content().nioBuffer());
    }
    if (msg instanceof LastHttpContent) {
      HttpRequest done = request;
      request = null;
      Received received = new Received(bodyLength, HexFormat.of().formatHex(digest.digest()));
      long delayMillis = durationMillis(done, "delay");
      if (delayMillis > 0) {
        ctx.executor()
            .schedule(() -> respond(ctx, done, received), delayMillis, TimeUnit.MILLISECONDS);
      } else {
        respond(ctx, done, received);
      }
    }
  }

  /** What arrived in the request body. */
  record Received(long length, String sha256) {}

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private void respond(ChannelHandlerContext ctx, HttpRequest req, Received received) {
    QueryStringDecoder query = new QueryStringDecoder(req.uri());
    if (query.rawPath().startsWith("/retry") && failRetry(ctx, req, query)) {
      return;
    }
    long size = bytesRequested(req);
    if (size >= 0) {
      sendBytes(ctx, req, size);
      return;
    }
    HttpResponseStatus status = status(req);
    boolean hasBody = status.code() >= 200 && status.code() != 204 && status.code() != 304;
    byte[] json = hasBody ? EchoReply.json(identity, req, proto, received) : new byte[0];
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(json));
    if (hasBody) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    }
    HttpUtil.setContentLength(response, json.length);
    setRequestedHeaders(req, response);
    HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(req));
    long bodyDelayMillis = durationMillis(req, "bodyDelay");
    if (bodyDelayMillis > 0 && hasBody) {
      sendHeadFirst(ctx, response, bodyDelayMillis);
      return;
    }
    ctx.writeAndFlush(response);
  }

  /** The head now, chunked; the body after {@code delayMillis}. */
  private static void sendHeadFirst(
      ChannelHandlerContext ctx, FullHttpResponse response, long delayMillis) {
    HttpResponse head =
        new DefaultHttpResponse(response.protocolVersion(), response.status(), response.headers());
    HttpUtil.setTransferEncodingChunked(head, true);
    ctx.writeAndFlush(head);
    ctx.executor()
        .schedule(
            () -> ctx.writeAndFlush(new DefaultLastHttpContent(response.content())),
            delayMillis,
            TimeUnit.MILLISECONDS);
  }

  /**
   * {@code /retry?uuid=U&succeedAfter=N[&responseCode=C]}, as the conformance echo server: the
   * first N attempts for U fail, with status C or, without it, by closing the connection without an
   * answer; later ones are echoed.
   */
  private boolean failRetry(ChannelHandlerContext ctx, HttpRequest req, QueryStringDecoder query) {
    String uuid = first(query, "uuid");
    int succeedAfter;
    try {
      succeedAfter = Integer.parseInt(first(query, "succeedAfter"));
    } catch (NumberFormatException e) {
      return false;
    }
    if (uuid == null || state.attempt(uuid) >= succeedAfter) {
      return false;
    }
    String code = first(query, "responseCode");
    if (code == null) {
      ctx.channel().close();
      return true;
    }
    FullHttpResponse failed =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(Integer.parseInt(code)));
    HttpUtil.setContentLength(failed, 0);
    HttpUtil.setKeepAlive(failed, HttpUtil.isKeepAlive(req));
    ctx.writeAndFlush(failed);
    return true;
  }

  private static String first(QueryStringDecoder query, String name) {
    List<String> values = query.parameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static long bytesRequested(HttpRequest req) {
    String path = new QueryStringDecoder(req.uri()).rawPath();
    if (!path.startsWith("/bytes/")) {
      return -1;
    }
    try {
      return Long.parseLong(path.substring("/bytes/".length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Streams {@code size} pattern bytes in 64 KiB chunks, each written once the last is flushed. */
  private static void sendBytes(ChannelHandlerContext ctx, HttpRequest req, long size) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
    HttpUtil.setContentLength(head, size);
    HttpUtil.setKeepAlive(head, HttpUtil.isKeepAlive(req));
    ctx.write(head);
    new PatternWriter(ctx, size).writeNext();
  }

  private static HttpResponseStatus status(HttpRequest req) {
    String path = new QueryStringDecoder(req.uri()).rawPath();
    if (path.startsWith("/status/")) {
      try {
        int code = Integer.parseInt(path.substring("/status/".length()));
        if (code >= 200 && code <= 599) {
          return HttpResponseStatus.valueOf(code);
        }
      } catch (NumberFormatException e) {
        // not a status request after all: echo it
      }
    }
    return HttpResponseStatus.OK;
  }

  private static long durationMillis(HttpRequest req, String parameter) {
    List<String> values = new QueryStringDecoder(req.uri()).parameters().get(parameter);
    if (values == null || values.isEmpty()) {
      return 0;
    }
    try {
      return GoDuration.parseMillis(values.get(0));
    } catch (IllegalArgumentException e) {
      return 0; // the conformance server ignores a delay it cannot parse
    }
  }

  private static void setRequestedHeaders(HttpRequest req, FullHttpResponse response) {
    for (String spec : req.headers().getAll(SET_HEADER)) {
      for (String pair : spec.split(",")) {
        int colon = pair.indexOf(':');
        if (colon > 0) {
          response.headers().set(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
        }
      }
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
