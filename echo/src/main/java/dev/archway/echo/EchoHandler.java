package dev.archway.echo;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Answers each request, once its whole body has been read, with {@link EchoReply} JSON.
 *
 * <p>Understands the conformance echo server's test hooks: {@code /status/NNN} answers with that
 * status, {@code ?delay=500ms} delays the answer (scheduled on the event loop, never blocking it),
 * and {@code X-Echo-Set-Header: Name:value,Other:value} adds response headers.
 */
final class EchoHandler extends SimpleChannelInboundHandler<HttpObject> {
  private static final String SET_HEADER = "X-Echo-Set-Header";

  private final EchoIdentity identity;
  private final String proto;
  private HttpRequest request;
  private long bodyLength;

  EchoHandler(EchoIdentity identity, String proto) {
    this.identity = identity;
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
      request = r;
      bodyLength = 0;
    }
    if (request == null) {
      return; // the rest of a request already refused
    }
    if (msg instanceof HttpContent content) {
      bodyLength += content.content().readableBytes();
    }
    if (msg instanceof LastHttpContent) {
      HttpRequest done = request;
      request = null;
      long delayMillis = delayMillis(done);
      if (delayMillis > 0) {
        long length = bodyLength;
        ctx.executor()
            .schedule(() -> respond(ctx, done, length), delayMillis, TimeUnit.MILLISECONDS);
      } else {
        respond(ctx, done, bodyLength);
      }
    }
  }

  private void respond(ChannelHandlerContext ctx, HttpRequest req, long length) {
    HttpResponseStatus status = status(req);
    boolean hasBody = status.code() >= 200 && status.code() != 204 && status.code() != 304;
    byte[] json = hasBody ? EchoReply.json(identity, req, proto, length) : new byte[0];
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(json));
    if (hasBody) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    }
    HttpUtil.setContentLength(response, json.length);
    setRequestedHeaders(req, response);
    HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(req));
    ctx.writeAndFlush(response);
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

  private static long delayMillis(HttpRequest req) {
    List<String> delay = new QueryStringDecoder(req.uri()).parameters().get("delay");
    if (delay == null || delay.isEmpty()) {
      return 0;
    }
    try {
      return GoDuration.parseMillis(delay.get(0));
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
