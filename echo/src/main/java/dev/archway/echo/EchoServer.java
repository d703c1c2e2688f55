package dev.archway.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A running echo server: HTTP/1.1 with keep-alive and HTTP/2 with prior knowledge (h2c) on one
 * port, answering every request with JSON that describes it (see {@link EchoReply}).
 *
 * <pre>{@code
 * try (EchoServer echo = EchoServer.start("infra-backend-v1", new InetSocketAddress("127.0.0.1", 0))) {
 *   int port = echo.port();
 * }
 * }</pre>
 */
public final class EchoServer implements AutoCloseable {
  private final EchoIdentity identity;
  private final EchoInitializer initializer;
  private final EventLoopGroup group;
  private final Channel channel;

  private EchoServer(
      EchoIdentity identity, EchoInitializer initializer, EventLoopGroup group, Channel channel) {
    this.identity = identity;
    this.initializer = initializer;
    this.group = group;
    this.channel = channel;
  }

  /** Starts a server that calls itself {@code name}, with no namespace or service. */
  public static EchoServer start(String name, InetSocketAddress bind) {
    return start(name, "", "", bind);
  }

  /**
   * Starts a server and waits until it listens.
   *
   * @param name the pod name reported as {@code pod}
   * @param namespace reported as {@code namespace}
   * @param service reported as {@code service}
   * @param bind where to listen; port 0 picks a free port
   */
  public static EchoServer start(
      String name, String namespace, String service, InetSocketAddress bind) {
    Objects.requireNonNull(bind, "bind");
    EchoIdentity identity = new EchoIdentity(name, namespace, service);
    // One event loop is plenty for a test backend and keeps a test with many backends cheap.
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("echo-" + name, true), NioIoHandler.newFactory());
    EchoInitializer initializer = new EchoInitializer(identity);
    try {
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childHandler(initializer)
              .bind(bind)
              .syncUninterruptibly()
              .channel();
      return new EchoServer(identity, initializer, group, channel);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** The pod name this server reports. */
  public String name() {
    return identity.pod();
  }

  /** The address the server listens on. */
  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** The port the server listens on. */
  public int port() {
    return address().getPort();
  }

  /** How many TCP connections the server has accepted; tests use it to see connection reuse. */
  public int acceptedConnections() {
    return initializer.connections();
  }

  /**
   * Every request head this server accepted so far, as {@code METHOD uri}, in arrival order; tests
   * of a proxy use it to see what reached the backend, and what never did (smuggling).
   */
  public List<String> requests() {
    return initializer.state().requests();
  }

  /** Stops listening, closes open connections and waits for the event loop to end. */
  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * Runs a server until the process is stopped: {@code --name NAME --listen HOST:PORT}, optionally
   * {@code --namespace NS --service SVC}. Without flags the conformance server's environment
   * ({@code POD_NAME}, {@code NAMESPACE}, {@code SERVICE_NAME}, {@code HTTP_PORT}) is used.
   */
  public static void main(String[] args) throws InterruptedException {
    String name = env("POD_NAME", "echo");
    String namespace = env("NAMESPACE", "");
    String service = env("SERVICE_NAME", "");
    String listen = "0.0.0.0:" + env("HTTP_PORT", "3000");
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + ": missing value");
      }
      String value = args[++i];
      switch (flag) {
        case "--name" -> name = value;
        case "--namespace" -> namespace = value;
        case "--service" -> service = value;
        case "--listen" -> listen = value;
        default ->
            throw new IllegalArgumentException(
                flag + ": unknown flag (expected: --name, --listen, --namespace, --service)");
      }
    }
    EchoServer server = start(name, namespace, service, parseAddress(listen));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "echo-shutdown"));
    System.out.println("echo server " + name + " listening on " + server.address());
    server.channel.closeFuture().sync();
  }

  static InetSocketAddress parseAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("--listen: " + hostPort + " (expected: HOST:PORT)");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--listen: " + hostPort + " (expected: HOST:PORT)", e);
    }
    return new InetSocketAddress(host.isEmpty() ? "0.0.0.0" : host, port);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }
}
