package dev.archway.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
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
 * One keep-alive exchange through each of the proxy's two HTTP/1.1 pipelines, as embedded channels
 * with the data plane's own handlers: {@code client} reads the bench's request from a client and
 * writes a whole response back (flushes gathered, server codec, client deadlines, Expect handling,
 * then a handler that answers as the relay does); {@code upstream} writes a request to an upstream
 * connection and reads its whole response (flushes gathered, client codec, then a handler that
 * takes the response as {@link UpstreamHandler} does). Real sockets, routing and header editing are
 * left out: what differs between the variants is the pipeline.
 *
 * <p>{@code codec}: the codec's decoder and encoder as two handlers ({@code split}, as the data
 * plane adds them) or inside one Netty {@code CombinedChannelDuplexHandler} ({@code combined}, as
 * before). {@code idle}: the upstream idle timeout kept by the pool ({@code pool}, nothing in the
 * pipeline) or by Netty's {@code IdleStateHandler} on each connection ({@code handler}, as before).
 * The set-up checks each pipeline answers with the expected bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(2)
public class Http1PipelineBenchmark {
  @Param({"split", "combined"})
  public String codec;

  @Param({"pool", "handler"})
  public String idle;

  /**
   * The client side's request head: {@code wrk}'s (one field, as in the bench) or a browser's (nine
   * fields, about 400 bytes). The upstream side does not use it.
   */
  @Param({"wrk", "browser"})
  public String head;

  private static final String BODY = "hello from the bench backend\n";

  private EmbeddedChannel client;
  private EmbeddedChannel upstream;
  private ByteBuf request;
  private ByteBuf response;
  private HttpHeaders upstreamHeaders;
  private final Sink sink = new Sink();

  @Setup
  public void pipelines() {
    client = new EmbeddedChannel();
    client.pipeline().addLast(ServerPipelines.gatheredFlushes());
    addCodec(client, Http1ServerCodec.handlers(EdgeLimits.defaults()));
    client.pipeline().addLast(new Http1TimeoutHandler(EdgeLimits.defaults()));
    client.pipeline().addLast(new HttpServerExpectContinueHandler());
    client.pipeline().addLast(new Answer());

    upstream = new EmbeddedChannel();
    upstream.pipeline().addLast(ServerPipelines.gatheredFlushes());
    addCodec(upstream, UpstreamInitializer.http1Codec().handlers());
    if (idle.equals("handler")) {
      upstream.pipeline().addLast(new IdleStateHandler(0, 0, 60_000, TimeUnit.MILLISECONDS));
    }
    upstream.pipeline().addLast(sink);

    request =
        Unpooled.copiedBuffer(
            head.equals("wrk") ? ProxyHeadersBenchmark.WRK : ProxyHeadersBenchmark.BROWSER,
            StandardCharsets.ISO_8859_1);
    response =
        Unpooled.copiedBuffer(
            ProxyHeadersBenchmark.NGINX + BODY, StandardCharsets.ISO_8859_1);
    upstreamHeaders = new DefaultHttpHeaders();
    upstreamHeaders.add("host", "127.0.0.1:20000");
    upstreamHeaders.add("x-forwarded-for", "127.0.0.1");
    upstreamHeaders.add("x-forwarded-proto", "http");

    String answered = clientExchangeText();
    if (!answered.startsWith("HTTP/1.1 200 OK\r\n") || !answered.endsWith(BODY)) {
      throw new IllegalStateException("the client pipeline answered: " + answered);
    }
    if (upstreamSide() == 0 || sink.responses != 1) {
      throw new IllegalStateException("the upstream pipeline gave no whole response");
    }
  }

  @TearDown
  public void close() {
    client.finishAndReleaseAll();
    upstream.finishAndReleaseAll();
    request.release();
    response.release();
  }

  private void addCodec(EmbeddedChannel channel, ChannelHandler[] decoderAndEncoder) {
    if (codec.equals("split")) {
      channel.pipeline().addLast(decoderAndEncoder);
    } else {
      channel
          .pipeline()
          .addLast(
              new CombinedChannelDuplexHandler<>(
                  (ChannelInboundHandler) decoderAndEncoder[0],
                  (ChannelOutboundHandler) decoderAndEncoder[1]));
    }
  }

  @Benchmark
  public int clientSide() {
    client.writeInbound(request.retainedDuplicate());
    return drainOutbound(client, null);
  }

  @Benchmark
  public int upstreamSide() {
    upstream.writeAndFlush(
        BodilessRequest.of(
            new DefaultHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.GET, "/svc/0/hello", upstreamHeaders)),
        upstream.voidPromise());
    upstream.runPendingTasks(); // the gathered flush, a task on the event loop
    int bytes = drainOutbound(upstream, null);
    upstream.writeInbound(response.retainedDuplicate());
    return bytes;
  }

  private String clientExchangeText() {
    client.writeInbound(request.retainedDuplicate());
    StringBuilder text = new StringBuilder();
    drainOutbound(client, text);
    return text.toString();
  }

  /** Releases what {@code channel} wrote, appending it to {@code text} if not null; its bytes. */
  private static int drainOutbound(EmbeddedChannel channel, StringBuilder text) {
    int bytes = 0;
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      bytes += out.readableBytes();
      if (text != null) {
        text.append(out.toString(StandardCharsets.ISO_8859_1));
      }
      out.release();
    }
    return bytes;
  }

  /** Answers each request with a whole response, written and flushed as the relay does. */
  private static final class Answer extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      boolean whole = msg instanceof FullHttpRequest;
      ReferenceCountUtil.release(msg);
      if (!whole) {
        return;
      }
      FullHttpResponse answer =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.OK,
              Unpooled.wrappedBuffer(BODY.getBytes(StandardCharsets.ISO_8859_1)));
      answer.headers().add("content-type", "text/plain");
      answer.headers().add("content-length", BODY.length());
      ctx.write(answer, ctx.voidPromise());
      ctx.flush();
    }
  }

  /** Takes the upstream's responses, as UpstreamHandler hands them to an exchange. */
  @ChannelHandler.Sharable
  private static final class Sink extends ChannelInboundHandlerAdapter {
    int responses;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpResponse) {
        responses++;
      }
      ReferenceCountUtil.release(msg);
    }
  }
}
