package dev.archway.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The header fields of one proxied HTTP/1.1 exchange written into a direct buffer from Netty's
 * default allocator: the upstream's request head and the client's response head, as {@link
 * ProxyHeaders} makes them from heads Netty decoded. {@code netty} is Netty's encoder, which
 * writes a {@code String} value a character at a time; {@code bulk} writes it as one array
 * ({@code String.getBytes} in ISO-8859-1), an idea tried and not kept (docs/benchmarks.md, <i>Head
 * and end as one message</i>). The set-up checks that both write the same bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HeaderWritingBenchmark {
  @Param({"wrk", "browser"})
  public String client;

  private HttpHeaders request;
  private HttpHeaders response;
  private ByteBuf buf;
  private final NettyHeaders netty = new NettyHeaders();

  /** Netty's own header writing, reached through its protected hook. */
  static final class NettyHeaders extends HttpResponseEncoder {
    void write(HttpHeaders headers, ByteBuf out) {
      encodeHeaders(headers, out);
    }
  }

  @Setup
  public void heads() {
    HttpRequest in =
        ProxyHeadersBenchmark.decoded(
            new EmbeddedChannel(new HttpRequestDecoder()),
            client.equals("wrk") ? ProxyHeadersBenchmark.WRK : ProxyHeadersBenchmark.BROWSER);
    HttpResponse out =
        ProxyHeadersBenchmark.decoded(
            new EmbeddedChannel(new HttpResponseDecoder()), ProxyHeadersBenchmark.NGINX);
    request =
        ProxyHeaders.upstreamRequest(
                new DefaultHttpRequest(in.protocolVersion(), in.method(), in.uri(), in.headers()),
                "/svc/0/hello",
                "127.0.0.1",
                "http",
                List.of(),
                true)
            .headers();
    response =
        ProxyHeaders.downstreamResponse(
                new DefaultHttpResponse(out.protocolVersion(), out.status(), out.headers()),
                List.of(),
                true,
                true,
                true)
            .headers();
    buf = ByteBufAllocator.DEFAULT.directBuffer(4096);
    netty();
    String byNetty = buf.toString(StandardCharsets.ISO_8859_1);
    bulk();
    if (!byNetty.equals(buf.toString(StandardCharsets.ISO_8859_1))) {
      throw new IllegalStateException("the two ways wrote different bytes");
    }
  }

  @TearDown
  public void release() {
    buf.release();
  }

  @Benchmark
  public int netty() {
    buf.clear();
    netty.write(request, buf);
    netty.write(response, buf);
    return buf.writerIndex();
  }

  @Benchmark
  public int bulk() {
    buf.clear();
    writeInBulk(request, buf);
    writeInBulk(response, buf);
    return buf.writerIndex();
  }

  private static void writeInBulk(HttpHeaders headers, ByteBuf out) {
    Iterator<Map.Entry<CharSequence, CharSequence>> fields = headers.iteratorCharSequence();
    while (fields.hasNext()) {
      Map.Entry<CharSequence, CharSequence> field = fields.next();
      writeInBulk(field.getKey(), out);
      out.writeShort((':' << 8) | ' ');
      writeInBulk(field.getValue(), out);
      out.writeShort(('\r' << 8) | '\n');
    }
  }

  private static void writeInBulk(CharSequence text, ByteBuf out) {
    if (text instanceof AsciiString ascii) {
      out.writeBytes(ascii.array(), ascii.arrayOffset(), ascii.length());
    } else if (text instanceof String string) {
      out.writeBytes(string.getBytes(StandardCharsets.ISO_8859_1));
    } else {
      out.writeCharSequence(text, StandardCharsets.ISO_8859_1);
    }
  }
}
