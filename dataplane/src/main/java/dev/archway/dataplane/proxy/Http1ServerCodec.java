package dev.archway.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP/1.1 server codec of a listener: Netty's request decoder in its strict settings plus the
 * checks it leaves out, and a response encoder that knows which responses answer HEAD.
 *
 * <p>Netty 4.2.18 already rejects Content-Length with Transfer-Encoding, differing or repeated
 * Content-Length, a Transfer-Encoding whose last coding is not chunked, Transfer-Encoding in
 * HTTP/1.0, bare LF (strict line parsing), whitespace before the colon and control characters in
 * names and values (header validation), and malformed chunk sizes. It silently joins obs-fold
 * continuation lines, though, so this decoder scans each request head for a line that starts with
 * SP or HTAB before Netty sees it. It also rejects more than {@link EdgeLimits#maxHeaderCount()}
 * fields (431), a missing or repeated Host in HTTP/1.1, and an absolute-form target whose authority
 * differs from Host (RFC 9112 §3.2). A rejected request reaches the next handler as a request with
 * a failed {@link DecoderResult} (see {@link #statusFor}); everything after it on the connection is
 * discarded, so nothing smuggled behind it is ever parsed.
 *
 * <p>When a read brings part of a request head but not its end, a {@link #HEAD_STARTED} event goes
 * down the pipeline, so that {@link Http1TimeoutHandler} can start the headers deadline.
 */
final class Http1ServerCodec {
  /**
   * Fired when a read ended inside a request head (not before its first byte, nor after it all).
   */
  static final Object HEAD_STARTED = new Object();

  /** More pipelined requests than this, unanswered, close the connection. */
  private static final int MAX_PIPELINED = 64;

  private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4);
  private final Decoder decoder;
  private final Encoder encoder;

  Http1ServerCodec(EdgeLimits limits) {
    HttpDecoderConfig config =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(limits.maxInitialLineLength())
            .setMaxHeaderSize(limits.maxHeaderSize())
            .setMaxChunkSize(SocketBuffers.MAX_BODY_PIECE)
            .setStrictLineParsing(true)
            .setValidateHeaders(true)
            .setAllowDuplicateContentLengths(false)
            .setUseRfc9112TransferEncoding(true)
            .setAllowPartialChunks(true)
            // After setValidateHeaders, which would put Netty's factory back.
            .setHeadersFactory(KnownHeaderNames.HEADERS);
    decoder = new Decoder(config, limits.maxHeaderCount());
    encoder = new Encoder();
  }

  /**
   * The decoder and the encoder of a new codec for {@code limits}, to be added in this order. Two
   * handlers rather than Netty's {@code CombinedChannelDuplexHandler}: that one is visited by every
   * event in both directions (reads, read requests, writes, flushes) and passes each on through a
   * context of its own, where Netty skips a handler for the events it does not handle
   * (docs/benchmarks.md, <i>Codecs as two handlers</i>).
   */
  static ChannelHandler[] handlers(EdgeLimits limits) {
    Http1ServerCodec codec = new Http1ServerCodec(limits);
    return new ChannelHandler[] {codec.decoder, codec.encoder};
  }

  /**
   * The status a request rejected by the decoder is answered with; 0 when the bytes are not HTTP/1
   * at all (a request line without an HTTP/1.x version, such as a broken HTTP/2 preface): then the
   * connection is closed without an answer.
   */
  static int statusFor(DecoderResult result) {
    Throwable cause = result.cause();
    if (cause instanceof NotHttp1Exception) {
      return 0;
    }
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
      return 414;
    }
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException
        || cause instanceof TooManyHeadersException) {
      return 431;
    }
    return 400;
  }

  private static boolean notHttp1(Throwable cause) {
    return cause instanceof IllegalArgumentException
        && cause.getMessage() != null
        && cause.getMessage().startsWith("invalid version format");
  }

  /** The request line does not end in an HTTP/1.x version. */
  static final class NotHttp1Exception extends IllegalArgumentException {
    NotHttp1Exception() {
      super("not an HTTP/1 request line");
    }
  }

  /** More header fields than allowed. */
  static final class TooManyHeadersException extends IllegalArgumentException {
    TooManyHeadersException(int count) {
      super("request headers: " + count + " fields");
    }
  }

  final class Decoder extends HttpRequestDecoder {
    private static final int START = 0;
    private static final int LINE = 1;
    private static final int LF = 2;
    private static final int LF_CR = 3;
    private static final int END = 4;
    private static final int FOLD = 5;

    private final int maxHeaderCount;
    private boolean inHead = true;
    private boolean headStarted;
    private int scanState = START;
    private int scanned;
    private boolean discard;

    Decoder(HttpDecoderConfig config, int maxHeaderCount) {
      super(config);
      this.maxHeaderCount = maxHeaderCount;
    }

    @Override
    protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
      AsciiString known = KnownHeaderNames.find(sb, start, length);
      return known != null ? known : super.splitHeaderName(sb, start, length);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
        throws Exception {
      if (discard) {
        buffer.skipBytes(buffer.readableBytes());
        return;
      }
      if (inHead && buffer.isReadable()) {
        if (scanState != END) {
          scan(buffer, buffer.readerIndex() + scanned, buffer.writerIndex());
          if (scanState == FOLD) {
            reject(buffer, out, new IllegalArgumentException("obs-fold in request headers"));
            return;
          }
        }
      }
      int first = out.size();
      super.decode(ctx, buffer, out);
      if (inHead && scanState != END) {
        scanned = buffer.readableBytes(); // everything left was scanned above
      }
      for (int i = first; i < out.size(); i++) {
        Object msg = out.get(i);
        if (msg instanceof HttpRequest request) {
          inHead = false;
          String problem = request.decoderResult().isSuccess() ? check(request) : null;
          if (problem != null || methods.size() >= MAX_PIPELINED) {
            for (int j = i; j < out.size(); j++) {
              ReferenceCountUtil.release(out.get(j));
            }
            out.subList(i, out.size()).clear();
            reject(
                buffer,
                out,
                problem == null
                    ? new IllegalStateException("more than " + MAX_PIPELINED + " pipelined")
                    : problem.startsWith("431")
                        ? new TooManyHeadersException(request.headers().size())
                        : new IllegalArgumentException(problem));
            return;
          }
          if (request.decoderResult().isFailure()) {
            discard = true;
            if (notHttp1(request.decoderResult().cause())) {
              request.setDecoderResult(DecoderResult.failure(new NotHttp1Exception()));
            }
          }
          methods.add(request.method());
        }
        if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
          discard = true;
        }
        if (msg instanceof LastHttpContent) {
          inHead = true;
          headStarted = false;
          scanState = START;
          scanned = 0;
        }
      }
      joinBodiless(out, first);
      if (inHead && !headStarted && scanState != START) {
        // Part of a head came and its end did not: its deadline starts. A head that came whole in
        // one read (nearly all of them) needs none, and costs no event and no clock read.
        headStarted = true;
        ctx.fireUserEventTriggered(HEAD_STARTED);
      }
    }

    /**
     * Netty's decoder gives a request without a body as its head and then the empty last content.
     * They go on as one {@code FullHttpRequest} around the head's own parts: one pass along the
     * pipeline instead of two, and the exchange knows from its start that the request is complete,
     * so that the upstream gets head and end as one message too ({@link RequestForwarder}).
     */
    private static void joinBodiless(List<Object> out, int first) {
      for (int i = first; i + 1 < out.size(); i++) {
        if (out.get(i + 1) == LastHttpContent.EMPTY_LAST_CONTENT
            && out.get(i) instanceof HttpRequest head
            && !(head instanceof FullHttpRequest)
            && head.decoderResult().isSuccess()) {
          out.set(i, BodilessRequest.of(head));
          out.remove(i + 1);
        }
      }
    }

    /** What is wrong with a request Netty accepted, or null. */
    private String check(HttpRequest request) {
      if (request.headers().size() > maxHeaderCount) {
        return "431";
      }
      List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
      boolean http11 = request.protocolVersion().equals(HttpVersion.HTTP_1_1);
      if (hosts.size() > 1 || (http11 && hosts.isEmpty())) {
        return "Host: " + hosts.size() + " fields (expected: exactly one)";
      }
      String uri = request.uri();
      if (!uri.startsWith("/") && !uri.equals("*") && !hosts.isEmpty()) {
        int scheme = uri.indexOf("://");
        if (scheme > 0) {
          int end = scheme + 3;
          while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
          }
          String authority = uri.substring(scheme + 3, end);
          if (!authority.toLowerCase(Locale.ROOT).equals(hosts.get(0).toLowerCase(Locale.ROOT))) {
            return "Host: "
                + hosts.get(0)
                + " (expected: the target's authority "
                + authority
                + ")";
          }
        }
      }
      return null;
    }

    private void reject(ByteBuf buffer, List<Object> out, Exception cause) {
      discard = true;
      buffer.skipBytes(buffer.readableBytes());
      DefaultFullHttpRequest invalid =
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request");
      invalid.setDecoderResult(DecoderResult.failure(cause));
      out.add(invalid);
    }

    /**
     * Scans {@code [from, to)} of a request head for its end and for a line that starts with SP or
     * HTAB, going on from where the last read's scan stopped. Within a line it jumps to the next LF
     * ({@link #indexOfLf}) and looks only at the bytes after each LF.
     */
    private void scan(ByteBuf buffer, int from, int to) {
      int i = from;
      while (i < to && scanState != END && scanState != FOLD) {
        if (scanState == LINE) {
          int lf = indexOfLf(buffer, i, to);
          if (lf < 0) {
            return;
          }
          scanState = LF;
          i = lf + 1;
          continue;
        }
        byte b = buffer.getByte(i++);
        scanState =
            switch (scanState) {
              case START -> b == '\r' || b == '\n' ? START : LINE;
              case LF -> b == ' ' || b == '\t' ? FOLD : b == '\r' ? LF_CR : b == '\n' ? END : LINE;
              case LF_CR -> b == '\n' ? END : LINE;
              default -> scanState;
            };
      }
    }
  }

  private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  /**
   * The index of the first LF in {@code [from, to)}, or -1. Eight bytes at a time: a byte of the
   * word XOR {@code LFS} is zero where the byte is LF, and {@code (w - ONES) & ~w & HIGH_BITS} sets
   * the high bit of the lowest zero byte exactly (a borrow only carries upward from it, so any
   * false hits are in later bytes). Read little-endian, the lowest byte is the first in the buffer.
   * Finding the 11 line feeds of a browser's 400-byte head takes about 98 ns this way, against 145
   * ns a byte at a time through a processor (as the scan went before) and 112 ns with Netty's
   * {@code indexOf} ({@code LineFeedSearchBenchmark}; docs/benchmarks.md, <i>The request head's
   * scan</i>).
   */
  static int indexOfLf(ByteBuf buffer, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long w = buffer.getLongLE(i) ^ LFS;
      long hits = (w - ONES) & ~w & HIGH_BITS;
      if (hits != 0) {
        return i + (Long.numberOfTrailingZeros(hits) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (buffer.getByte(i) == '\n') {
        return i;
      }
    }
    return -1;
  }

  final class Encoder extends HttpResponseEncoder {
    private HttpMethod method;

    @Override
    protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
      HeaderLines.write(headers, buf);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        return super.isContentAlwaysEmpty(msg);
      }
      method = methods.poll();
      return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
    }
  }
}
