package dev.archway.echo;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToIntFunction;

/**
 * A small HTTP/2 client that speaks cleartext with prior knowledge (h2c), for tests and smoke
 * checks: {@code java.net.http.HttpClient} can only reach h2c through an HTTP/1.1 upgrade. One
 * client holds one connection; {@link #send} opens one stream per request and may be called from
 * several threads at once.
 */
public final class H2cClient implements AutoCloseable {
  private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

  private final EventLoopGroup group;
  private final Channel connection;

  private H2cClient(EventLoopGroup group, Channel connection) {
    this.group = group;
    this.connection = connection;
  }

  /** Opens one connection to {@code address} and sends the HTTP/2 preface. */
  public static H2cClient connect(InetSocketAddress address) throws IOException {
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("h2c-client", true), NioIoHandler.newFactory());
    try {
      Channel channel =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                      ch.pipeline().addLast(new Http2MultiplexHandler(new NoPushHandler()));
                    }
                  })
              .connect(address)
              .syncUninterruptibly()
              .channel();
      return new H2cClient(group, channel);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IOException("h2c connect to " + address + " failed", e);
    }
  }

  /** Sends a GET without a body. */
  public Response get(String authority, String path) throws IOException {
    return send("GET", authority, path, Map.of(), new byte[0], Duration.ofSeconds(10));
  }

  /**
   * Sends a GET on a new stream and returns as soon as the response's HEADERS arrive, with no body;
   * the stream is then reset.
   */
  public Response responseHead(String authority, String path, Duration timeout) throws IOException {
    CompletableFuture<Response> result = new CompletableFuture<>();
    exchange(
        "GET", authority, path, Map.of(), new byte[0], timeout, result, new HeadHandler(result));
    return result.join();
  }

  /**
   * Sends one request on a new stream and waits for the whole response.
   *
   * @param authority the {@code :authority} pseudo-header (the Host)
   * @param path the {@code :path}, with its query
   */
  public Response send(
      String method,
      String authority,
      String path,
      Map<String, String> headers,
      byte[] body,
      Duration timeout)
      throws IOException {
    CompletableFuture<Response> result = new CompletableFuture<>();
    exchange(
        method,
        authority,
        path,
        headers,
        body,
        timeout,
        result,
        new HttpObjectAggregator(MAX_RESPONSE_BYTES),
        new ResponseHandler(result));
    return result.join();
  }

  /** Opens a stream whose pipeline ends in {@code handlers}, sends the request, awaits result. */
  private void exchange(
      String method,
      String authority,
      String path,
      Map<String, String> headers,
      byte[] body,
      Duration timeout,
      CompletableFuture<Response> result,
      ChannelHandler... handlers)
      throws IOException {
    Http2StreamChannel stream;
    try {
      stream =
          new Http2StreamChannelBootstrap(connection)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false));
                      ch.pipeline().addLast(handlers);
                    }
                  })
              .open()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new IOException("cannot open an HTTP/2 stream", e);
    }
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), path, Unpooled.wrappedBuffer(body));
    request.headers().set(HttpHeaderNames.HOST, authority);
    request.headers().set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), "http");
    headers.forEach((name, value) -> request.headers().add(name, value));
    stream.writeAndFlush(request);
    try {
      result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      stream.close();
      throw new IOException(method + " " + path + " over h2c failed", e);
    }
  }

  /**
   * How many bytes the server lets this client send on the connection now (its window, as this
   * client's flow controller counts it), across all streams.
   */
  public int connectionSendWindow() throws IOException {
    return onConnection(
        http2 -> http2.remote().flowController().windowSize(http2.connectionStream()));
  }

  /** How many bytes the server lets this client send on a new stream (its initial window). */
  public int streamSendWindow() throws IOException {
    return onConnection(http2 -> http2.remote().flowController().initialWindowSize());
  }

  private int onConnection(ToIntFunction<Http2Connection> read) throws IOException {
    Http2Connection http2 = connection.pipeline().get(Http2FrameCodec.class).connection();
    try {
      // The flow controller belongs to the connection's event loop.
      return connection.eventLoop().submit(() -> read.applyAsInt(http2)).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("reading the connection's flow control failed", e);
    }
  }

  @Override
  public void close() {
    connection.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * A whole response.
   *
   * @param headers lower-case names to values, in arrival order
   */
  public record Response(int status, Map<String, List<String>> headers, byte[] body) {
    /** The body as UTF-8 text. */
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The first value of a header, or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  private static Map<String, List<String>> headersOf(HttpResponse msg) {
    Map<String, List<String>> headers = new TreeMap<>();
    msg.headers()
        .forEach(
            e ->
                headers
                    .computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(e.getValue()));
    return headers;
  }

  /** Completes with the response's head alone, and resets the stream. */
  private static final class HeadHandler extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<Response> result;

    HeadHandler(CompletableFuture<Response> result) {
      this.result = result;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpResponse head) {
        result.complete(new Response(head.status().code(), headersOf(head), new byte[0]));
        ctx.close();
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.completeExceptionally(new IOException("stream closed before a response"));
    }
  }

  private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final CompletableFuture<Response> result;

    ResponseHandler(CompletableFuture<Response> result) {
      this.result = result;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
      result.complete(
          new Response(msg.status().code(), headersOf(msg), ByteBufUtil.getBytes(msg.content())));
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.completeExceptionally(new IOException("stream closed before a response"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.completeExceptionally(cause);
      ctx.close();
    }
  }

  /** The server never pushes to this client; any inbound stream it opens is closed. */
  private static final class NoPushHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.close();
    }
  }
}
