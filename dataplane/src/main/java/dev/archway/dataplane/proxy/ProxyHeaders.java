package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.FilterChain;
import dev.archway.ir.HttpFilter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;

/**
 * Header rules at the proxy boundary (RFC 9110 §7.6.1): hop-by-hop headers belong to one connection
 * and are dropped in both directions, body framing is re-decided for the next hop, and the
 * X-Forwarded-* headers record the client. Route filters edit headers after that, so a filter can
 * still override what the proxy added.
 */
final class ProxyHeaders {
  private static final List<CharSequence> HOP_BY_HOP =
      List.of(
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.KEEP_ALIVE,
          HttpHeaderNames.PROXY_CONNECTION,
          HttpHeaderNames.PROXY_AUTHENTICATE,
          HttpHeaderNames.PROXY_AUTHORIZATION,
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.UPGRADE);

  /**
   * The pseudo-headers Netty's HTTP/2 conversion adds ({@code x-http2-stream-id}...), which never
   * leave the proxy. A list, because {@code values()} copies its array on every call.
   */
  private static final List<CharSequence> HTTP2_EXTENSIONS =
      java.util.Arrays.stream(HttpConversionUtil.ExtensionHeaderNames.values())
          .map(e -> (CharSequence) e.text())
          .toList();

  private ProxyHeaders() {}

  /**
   * The request head to send upstream: always HTTP/1.1 with keep-alive, whatever the client spoke
   * (an H2C destination's HTTP/2 stream is made from it). Upgrade is dropped with the other
   * hop-by-hop headers; {@link WebSocketUpgrade} puts it back for a WebSocket request.
   *
   * @param pathAndQuery the normalized (and possibly rewritten) path with the raw query
   * @param clientIp the downstream peer, appended to X-Forwarded-For
   */
  static HttpRequest upstreamRequest(
      HttpRequest in, String pathAndQuery, String clientIp, List<FilterChain> filters) {
    return upstreamRequest(in, pathAndQuery, clientIp, "http", filters, false);
  }

  /**
   * As {@link #upstreamRequest(HttpRequest, String, String, List)}, for a client that used {@code
   * scheme} ({@code https} on HTTPS listeners), which X-Forwarded-Proto reports.
   *
   * @param editInPlace whether {@code in}'s headers may become the upstream request's: only when
   *     nothing builds another upstream request from {@code in} (no retry, no mirror), since the
   *     edits (X-Forwarded-For appended, filters) must apply once. Saves a copy of every header.
   */
  static HttpRequest upstreamRequest(
      HttpRequest in,
      String pathAndQuery,
      String clientIp,
      String scheme,
      List<FilterChain> filters,
      boolean editInPlace) {
    HttpHeaders headers = editInPlace ? in.headers() : in.headers().copy();
    boolean hasBody = HttpUtil.isTransferEncodingChunked(in) || HttpUtil.isContentLengthSet(in);
    boolean trailers = headers.containsValue(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS, true);
    removeHopByHop(headers);
    if (trailers) {
      // gRPC needs "te: trailers" end to end; it is the one TE value HTTP/2 allows.
      headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
    }
    for (CharSequence extension : HTTP2_EXTENSIONS) {
      headers.remove(extension);
    }
    if (hasBody && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      // A body of unknown length (chunked HTTP/1.1, or an HTTP/2 stream without content-length).
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    // Most requests carry no X-Forwarded-For: a lookup first spares the list of its fields.
    String xff = clientIp;
    if (headers.contains(X_FORWARDED_FOR)) {
      xff = String.join(", ", headers.getAll(X_FORWARDED_FOR)) + ", " + clientIp;
    }
    headers.set(X_FORWARDED_FOR, xff);
    headers.set(X_FORWARDED_PROTO, scheme);
    HttpRequest out =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, in.method(), pathAndQuery, headers);
    for (FilterChain chain : filters) {
      for (HttpFilter.RequestHeaderModifier m : chain.requestHeaderModifiers()) {
        edit(headers, m.set(), m.add(), m.remove());
      }
      if (chain.urlRewrite() != null && chain.urlRewrite().hostname() != null) {
        headers.set(HttpHeaderNames.HOST, chain.urlRewrite().hostname());
      }
    }
    return out;
  }

  /**
   * The response head to send downstream, made from {@code in}'s headers, which it edits: the
   * upstream's head is not used again once relayed (a caller that still needs it passes a copy).
   *
   * @param keepAlive whether the downstream connection stays open (HTTP/1 only)
   * @param chunkedAllowed whether the client can read a chunked body (not HTTP/1.0)
   * @return the head; framing is chunked if the upstream gave no length and the client allows it
   */
  static HttpResponse downstreamResponse(
      HttpResponse in,
      List<FilterChain> filters,
      boolean keepAlive,
      boolean chunkedAllowed,
      boolean bodyExpected) {
    HttpHeaders headers = in.headers();
    boolean chunked = HttpUtil.isTransferEncodingChunked(in);
    removeHopByHop(headers);
    for (CharSequence extension : HTTP2_EXTENSIONS) {
      headers.remove(extension); // x-http2-stream-id from an HTTP/2 upstream
    }
    if (bodyExpected && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      if (chunked || chunkedAllowed) {
        headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
    }
    for (FilterChain chain : filters) {
      for (HttpFilter.ResponseHeaderModifier m : chain.responseHeaderModifiers()) {
        edit(headers, m.set(), m.add(), m.remove());
      }
    }
    if (!keepAlive) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return new DefaultHttpResponse(HttpVersion.HTTP_1_1, in.status(), headers);
  }

  /** Sets {@code Connection: close} on a head the proxy made itself when the connection ends. */
  static void markClose(HttpMessage message, boolean keepAlive) {
    if (!keepAlive) {
      message.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
  }

  private static void removeHopByHop(HttpHeaders headers) {
    // Headers named in Connection are hop-by-hop too (RFC 9110 §7.6.1). Most messages to a proxy
    // carry no Connection header or one that names no other: the check spares a list per message.
    if (!namesNoOtherHeader(headers)) {
      for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
        for (String token : connection.split(",")) {
          String name = token.trim();
          // Keep-Alive goes with the fixed names below; most responses name only it.
          if (!name.isEmpty() && !HttpHeaderValues.KEEP_ALIVE.contentEqualsIgnoreCase(name)) {
            headers.remove(name);
          }
        }
      }
    }
    for (CharSequence name : HOP_BY_HOP) {
      headers.remove(name);
    }
  }

  /**
   * Whether every Connection field, if there is any, is just {@code keep-alive} or {@code close}:
   * then no header is named to be removed, and nothing need be split.
   */
  private static boolean namesNoOtherHeader(HttpHeaders headers) {
    for (Iterator<? extends CharSequence> values =
            headers.valueCharSequenceIterator(HttpHeaderNames.CONNECTION);
        values.hasNext(); ) {
      CharSequence connection = values.next();
      if (!HttpHeaderValues.KEEP_ALIVE.contentEqualsIgnoreCase(connection)
          && !HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(connection)) {
        return false;
      }
    }
    return true;
  }

  private static void edit(
      HttpHeaders headers,
      List<HttpFilter.Header> set,
      List<HttpFilter.Header> add,
      List<String> remove) {
    set.forEach(h -> headers.set(h.name(), h.value()));
    add.forEach(h -> headers.add(h.name(), h.value()));
    remove.forEach(headers::remove);
  }

  // Constants of KnownHeaderNames: their case-insensitive hash is computed once, not at every
  // lookup, and a header map with the decoders' factory does not validate them again.
  private static final AsciiString X_FORWARDED_FOR = KnownHeaderNames.constant("x-forwarded-for");
  private static final AsciiString X_FORWARDED_PROTO =
      KnownHeaderNames.constant("x-forwarded-proto");
}
