package dev.archway.dataplane.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Answers the proxy gives itself, without a backend: errors and redirects. */
final class LocalResponses {
  private LocalResponses() {}

  /** A short plain-text answer such as {@code 404 no route matched}; HEAD gets no body. */
  static FullHttpResponse text(
      ByteBufAllocator alloc, HttpResponseStatus status, String message, boolean headRequest) {
    byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            headRequest ? Unpooled.EMPTY_BUFFER : alloc.buffer(bytes.length).writeBytes(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return response;
  }

  static FullHttpResponse redirect(int statusCode, String location) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(statusCode));
    response.headers().set(HttpHeaderNames.LOCATION, location);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    return response;
  }
}
