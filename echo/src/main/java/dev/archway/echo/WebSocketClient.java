package dev.archway.echo;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small WebSocket client (RFC 6455 over HTTP/1.1) for tests and smoke checks, built on Netty's
 * handshaker. One client holds one connection; messages arrive whole (fragments joined) in {@link
 * #receive}.
 *
 * <pre>{@code
 * try (WebSocketClient ws = WebSocketClient.connect(address, "/ws", Map.of(), timeout)) {
 *   ws.sendText("hello");
 *   WebSocketClient.Message echoed = ws.receive(timeout);
 * }
 * }</pre>
 */
public final class WebSocketClient implements AutoCloseable {
  private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private final EventLoopGroup group;
  private final Channel channel;
  private final BlockingQueue<Object> inbound;

  private WebSocketClient(EventLoopGroup group, Channel channel, BlockingQueue<Object> inbound) {
    this.group = group;
    this.channel = channel;
    this.inbound = inbound;
  }

  /** A whole message: text (UTF-8) or binary. */
  public record Message(boolean text, byte[] data) {
    public String asText() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  /** The peer's close frame. */
  public record Closed(int status, String reason) {}

  /** The server answered the handshake with something other than 101. */
  public static final class HandshakeRefusedException extends IOException {
    private final int status;

    HandshakeRefusedException(int status, Throwable cause) {
      super("WebSocket handshake answered with " + status, cause);
      this.status = status;
    }

    /** The HTTP status the server answered with. */
    public int status() {
      return status;
    }
  }

  /**
   * Connects to {@code address}, sends the opening handshake for {@code path} with {@code headers}
   * (a {@code Host} among them replaces the address), and waits for the server's 101.
   *
   * @throws HandshakeRefusedException when the answer is not 101
   */
  public static WebSocketClient connect(
      InetSocketAddress address, String path, Map<String, String> headers, Duration timeout)
      throws IOException {
    URI uri = URI.create("ws://" + address.getHostString() + ":" + address.getPort() + path);
    HttpHeaders custom = new DefaultHttpHeaders();
    headers.forEach(custom::set);
    WebSocketClientHandshaker handshaker =
        WebSocketClientHandshakerFactory.newHandshaker(
            uri, WebSocketVersion.V13, null, false, custom, MAX_MESSAGE_BYTES);
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("ws-client", true), NioIoHandler.newFactory());
    BlockingQueue<Object> inbound = new LinkedBlockingQueue<>();
    CompletableFuture<Void> handshake = new CompletableFuture<>();
    try {
      Channel channel =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline()
                          .addLast(new HttpClientCodec())
                          .addLast(new HttpObjectAggregator(1024 * 1024))
                          .addLast(new WebSocketFrameAggregator(MAX_MESSAGE_BYTES))
                          .addLast(new ClientHandler(handshaker, handshake, inbound));
                    }
                  })
              .connect(address)
              .syncUninterruptibly()
              .channel();
      // On the event loop: the handshaker adds its frame encoder in a listener of the request's
      // write; registered from another thread, that listener could run only after the 101 had
      // been read, and a frame sent right after the handshake would then miss the encoder.
      channel.eventLoop().submit(() -> handshaker.handshake(channel)).syncUninterruptibly();
      try {
        handshake.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        channel.close();
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      } catch (InterruptedException | TimeoutException e) {
        channel.close();
        throw new IOException("WebSocket handshake with " + uri + " did not finish", e);
      }
      return new WebSocketClient(group, channel, inbound);
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  public void sendText(String text) {
    channel.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
  }

  public void sendBinary(byte[] data) {
    channel
        .writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)))
        .syncUninterruptibly();
  }

  /** The next message; fails on a close frame, a closed connection or the timeout. */
  public Message receive(Duration timeout) throws IOException {
    Object next = poll(timeout);
    if (next instanceof Message message) {
      return message;
    }
    throw new IOException("expected a message, got " + next);
  }

  /**
   * The close handshake: sends a close frame with {@code status}, then waits for the peer's close
   * frame and for the connection to end.
   *
   * @return the peer's close frame
   */
  public Closed closeHandshake(int status, Duration timeout) throws IOException {
    channel.writeAndFlush(new CloseWebSocketFrame(status, "bye")).syncUninterruptibly();
    Object next = poll(timeout);
    if (!(next instanceof Closed closed)) {
      throw new IOException("expected a close frame, got " + next);
    }
    if (!channel.closeFuture().awaitUninterruptibly(timeout.toMillis())) {
      throw new IOException("the connection stayed open after the close handshake");
    }
    return closed;
  }

  /** Whether the connection has ended within {@code timeout}. */
  public boolean awaitClosed(Duration timeout) {
    return channel.closeFuture().awaitUninterruptibly(timeout.toMillis());
  }

  private Object poll(Duration timeout) throws IOException {
    try {
      Object next = inbound.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (next == null) {
        throw new IOException("nothing received in " + timeout);
      }
      return next;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class ClientHandler extends SimpleChannelInboundHandler<Object> {
    private static final Object CONNECTION_CLOSED = "connection closed";
    private final WebSocketClientHandshaker handshaker;
    private final CompletableFuture<Void> handshake;
    private final BlockingQueue<Object> inbound;

    ClientHandler(
        WebSocketClientHandshaker handshaker,
        CompletableFuture<Void> handshake,
        BlockingQueue<Object> inbound) {
      this.handshaker = handshaker;
      this.handshake = handshake;
      this.inbound = inbound;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (!handshaker.isHandshakeComplete() && msg instanceof FullHttpResponse response) {
        try {
          handshaker.finishHandshake(ctx.channel(), response);
          handshake.complete(null);
        } catch (RuntimeException e) {
          handshake.completeExceptionally(
              new HandshakeRefusedException(response.status().code(), e));
          ctx.close();
        }
        return;
      }
      if (msg instanceof TextWebSocketFrame text) {
        inbound.add(new Message(true, ByteBufUtil.getBytes(text.content())));
      } else if (msg instanceof BinaryWebSocketFrame binary) {
        inbound.add(new Message(false, ByteBufUtil.getBytes(binary.content())));
      } else if (msg instanceof CloseWebSocketFrame close) {
        inbound.add(new Closed(close.statusCode(), close.reasonText()));
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      handshake.completeExceptionally(new IOException("connection closed during the handshake"));
      inbound.add(CONNECTION_CLOSED);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      handshake.completeExceptionally(cause);
      ctx.close();
    }
  }
}
