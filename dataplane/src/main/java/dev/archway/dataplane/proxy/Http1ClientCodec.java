package dev.archway.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/**
 * The HTTP/1.1 codec of an upstream connection: Netty's response decoder and request encoder,
 * paired the way Netty's {@code HttpClientCodec} pairs them (each response knows its request's
 * method, so that the answer to HEAD is read without a body), and a response that ends in the read
 * that brought its head goes on as one {@code FullHttpResponse}.
 *
 * <p>Netty's decoder gives such a response as its head and then its end, two passes along the
 * upstream pipeline and two calls into the exchange. As one message it takes one, and the relay
 * writes it to the client as one message as it did before (docs/benchmarks.md, <i>A response as one
 * message, from the upstream on</i>). A body longer than the read, a chunked body that does not end
 * in it, and interim (1xx) answers still come as head and pieces.
 *
 * <p>{@code HttpClientCodec} is final, and its decoder cannot be reached: this is the same pairing
 * around the same Netty parts, less what Archway does not use (CONNECT to the upstream, counting
 * missing responses), as two pipeline handlers instead of one combined handler.
 */
final class Http1ClientCodec {
  private static final byte[] HTTP_1_1 = "HTTP/1.1".getBytes(StandardCharsets.US_ASCII);

  /** The methods of the requests sent and not yet answered, oldest first. */
  private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(2);

  private final Decoder decoder;
  private final Encoder encoder;

  Http1ClientCodec(HttpDecoderConfig config) {
    decoder = new Decoder(config);
    encoder = new Encoder();
  }

  /**
   * The decoder and the encoder, to be added in this order (two handlers, as {@link
   * Http1ServerCodec#handlers} says why).
   */
  ChannelHandler[] handlers() {
    return new ChannelHandler[] {decoder, encoder};
  }

  final class Encoder extends HttpRequestEncoder {
    @Override
    protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
      HeaderLines.write(headers, buf);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out)
        throws Exception {
      if (msg instanceof HttpRequest request) {
        methods.add(request.method());
      }
      super.encode(ctx, msg, out);
    }
  }

  final class Decoder extends HttpResponseDecoder {
    Decoder(HttpDecoderConfig config) {
      super(config);
    }

    /**
     * The status line's version: {@code HTTP/1.1} as the literal, which Netty recognizes by
     * identity, where it would otherwise copy the bytes into a string and compare it (as its
     * request decoder already does for the request line's version).
     */
    @Override
    protected String splitFirstWordInitialLine(byte[] sb, int start, int length) {
      if (length == HTTP_1_1.length
          && Arrays.equals(sb, start, start + length, HTTP_1_1, 0, HTTP_1_1.length)) {
        return "HTTP/1.1";
      }
      return super.splitFirstWordInitialLine(sb, start, length);
    }

    @Override
    protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
      AsciiString known = KnownHeaderNames.find(sb, start, length);
      return known != null ? known : super.splitHeaderName(sb, start, length);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
        throws Exception {
      int first = out.size();
      super.decode(ctx, buffer, out);
      if (out.size() == first || !joinable(out.get(first))) {
        return;
      }
      // Netty's decoder stops after a head that a body follows (and after a chunk size); what of
      // the body is here is read now, rather than after the head has gone down the pipeline.
      int left = buffer.readableBytes();
      while (out.size() == first + 1 && left > 0) {
        super.decode(ctx, buffer, out);
        if (buffer.readableBytes() == left) {
          break; // no progress: the rest of the body is in a later read
        }
        left = buffer.readableBytes();
      }
      if (out.size() == first + 2
          && out.get(first + 1) instanceof LastHttpContent end
          && !(end instanceof HttpMessage)
          && end.decoderResult().isSuccess()) {
        out.set(first, WholeResponse.of((HttpResponse) out.get(first), end));
        out.remove(first + 1);
      }
    }

    /** A final response's head, decoded without fault: its end may join it. */
    private static boolean joinable(Object msg) {
      return msg instanceof HttpResponse head
          && !(head instanceof HttpContent)
          && head.decoderResult().isSuccess()
          && head.status().codeClass() != HttpStatusClass.INFORMATIONAL;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      if (((HttpResponse) msg).status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        return super.isContentAlwaysEmpty(msg); // an interim answer: the request's answer follows
      }
      // RFC 9110 §9.3.2: the answer to HEAD has no body, whatever its headers say.
      return HttpMethod.HEAD.equals(methods.poll()) || super.isContentAlwaysEmpty(msg);
    }
  }
}
