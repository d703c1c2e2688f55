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

  /**
   * A gRPC status answered here (trailers-only: HTTP 200 whose headers carry {@code grpc-status}),
   * for requests of GRPCRoutes and gRPC calls that match nothing.
   *
   * @param status the HTTP status the same failure would get, mapped to its gRPC code
   */
  static FullHttpResponse grpc(HttpResponseStatus status, String message, boolean http2) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/grpc");
    response.headers().setInt("grpc-status", grpcCode(status.code()));
    response.headers().set("grpc-message", message);
    if (!http2) {
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    }
    return response;
  }

  /**
   * gRPC's own mapping of HTTP statuses (doc/http-grpc-status-mapping.md), 404 as UNIMPLEMENTED.
   */
  static int grpcCode(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> 13; // INTERNAL
      case 401 -> 16; // UNAUTHENTICATED
      case 403 -> 7; // PERMISSION_DENIED
      case 404 -> 12; // UNIMPLEMENTED
      case 429, 502, 503 -> 14; // UNAVAILABLE
      case 504 -> 4; // DEADLINE_EXCEEDED
      case 431 -> 8; // RESOURCE_EXHAUSTED
      default -> httpStatus >= 500 ? 13 : 2; // INTERNAL, UNKNOWN
    };
  }
}
