package dev.archway.dataplane;

import static dev.archway.dataplane.E2e.json;
import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.echo.EchoServer;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.HttpRouteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upstream misbehaviour the proxy must hide from clients: a keep-alive connection the backend
 * closed while it sat in the pool, and a mirror backend that never reads.
 */
class UpstreamFailuresIT {
  private static EchoServer main;
  private static StaleBackend stale;
  private static StuckBackend stuck;
  private static StuckBackend silent;
  private static DataPlane dataPlane;
  private static int port;

  @BeforeAll
  static void start() throws IOException {
    main = E2e.echo("infra-backend-v1");
    stale = new StaleBackend();
    stuck = new StuckBackend();
    silent = new StuckBackend();
    port = E2e.freePort();
    dataPlane = E2e.dataPlane();
    HttpRoute mirrored =
        new HttpRoute(
            "mirrored",
            "*",
            prefix("/mirrored"),
            List.of(),
            List.of(backend("main", 1)),
            new HttpRouteOptions(
                List.of(new HttpRouteOptions.RequestMirror("stuck", 1, 1)),
                null,
                null,
                null,
                null,
                false));
    assertThat(
            dataPlane
                .apply(
                    Ir.config(
                        Ir.listener(
                            port,
                            vhost(
                                "v",
                                "*",
                                mirrored,
                                Ir.route("silent", "*", prefix("/silent"), backend("silent", 1)),
                                Ir.route("stale", "*", prefix("/"), backend("stale", 1)))),
                        E2e.destination("main", main),
                        local("stale", stale.port()),
                        local("stuck", stuck.port()),
                        local("silent", silent.port())))
                .allBound())
        .isTrue();
  }

  private static Destination local(String name, int port) {
    return new Destination(
        name, Destination.AppProtocol.HTTP1, List.of(new Endpoint("127.0.0.1", port)));
  }

  @AfterAll
  static void stop() throws IOException {
    dataPlane.close();
    main.close();
    stale.close();
    stuck.close();
    silent.close();
  }

  @Test
  void aPooledConnectionTheBackendClosedIsRetriedOnceForIdempotentRequests() throws Exception {
    int before = stale.connections.get();
    try (Socket client = connect()) {
      // Both requests go through one client connection, so through one event loop's pool: the
      // second reuses the first's upstream connection, which the backend then closes unanswered.
      Response first = exchange(client, "GET /first HTTP/1.1\r\nHost: a\r\n\r\n");
      Response second = exchange(client, "GET /second HTTP/1.1\r\nHost: a\r\n\r\n");

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.body()).isEqualTo("served /first");
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.body()).isEqualTo("served /second");
      assertThat(stale.connections.get() - before).isEqualTo(2);
    }
  }

  @Test
  void aNonIdempotentRequestOnAStaleConnectionIsNotSentTwice() throws Exception {
    try (Socket client = connect()) {
      Response first = exchange(client, "GET /warm HTTP/1.1\r\nHost: a\r\n\r\n");
      int requestsBefore = stale.requests.get();
      Response post =
          exchange(client, "POST /once HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");

      assertThat(first.status()).isEqualTo(200);
      assertThat(post.status()).isEqualTo(502);
      assertThat(stale.requests.get() - requestsBefore).isEqualTo(1);
    }
  }

  @Test
  void aMirrorThatNeverReadsIsDroppedWithoutSlowingTheRequest() throws Exception {
    byte[] payload = new byte[8 * 1024 * 1024];
    new Random(3).nextBytes(payload);
    try (Socket client = connect()) {
      String head =
          "POST /mirrored/upload HTTP/1.1\r\nHost: a\r\nContent-Length: "
              + payload.length
              + "\r\n\r\n";
      client.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      client.getOutputStream().write(payload);
      client.getOutputStream().flush();
      Response response = readResponse(client.getInputStream());

      assertThat(response.status()).isEqualTo(200);
      assertThat(json(response.body()).get("bodySha256").asString())
          .isEqualTo(
              HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload)));
    }
    // The mirror's connection was given up on: reading it now finds its end, not a request still
    // being sent.
    Socket mirrorSide = stuck.accepted.poll(10, TimeUnit.SECONDS);
    assertThat(mirrorSide).isNotNull();
    try (mirrorSide) {
      mirrorSide.setSoTimeout(10_000);
      long read = drain(mirrorSide.getInputStream());
      assertThat(read).isLessThan(payload.length);
    }
  }

  @Test
  void aClientThatLeavesWhileItsRequestWaitsEndsTheUpstreamRequest() throws Exception {
    // The proxy notices the client go away (it keeps reading an HTTP/1.1 connection while a request
    // is in flight, and epoll reports the hang-up anyway) and gives up the upstream request instead
    // of waiting for an answer nobody will read.
    try (Socket client = connect()) {
      client
          .getOutputStream()
          .write("GET /silent/x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      client.getOutputStream().flush();
      Socket upstreamSide = silent.accepted.poll(10, TimeUnit.SECONDS);
      assertThat(upstreamSide).isNotNull();
      try (upstreamSide) {
        String request = RawHttp.readHead(upstreamSide.getInputStream());
        assertThat(request).startsWith("GET /silent/x HTTP/1.1");
        client.close();
        upstreamSide.setSoTimeout(10_000);
        assertThat(drain(upstreamSide.getInputStream())).isZero();
      }
    }
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(20_000);
    return socket;
  }

  /** Reads until the peer closes (a reset counts); fails if it stays open past the timeout. */
  private static long drain(InputStream in) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection is still open after " + total + " bytes");
    } catch (IOException e) {
      // reset by the proxy: closed as well
    }
    return total;
  }

  record Response(int status, String body) {}

  private static Response exchange(Socket socket, String request) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return readResponse(socket.getInputStream());
  }

  /** Reads one response framed by Content-Length. */
  static Response readResponse(InputStream in) throws IOException {
    String head = RawHttp.readHead(in);
    if (head == null) {
      throw new IOException("connection closed before a response");
    }
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return new Response(
        Integer.parseInt(head.substring(9, 12)), new String(body, StandardCharsets.UTF_8));
  }

  /** A request or response head up to the blank line, or null at the end of the stream. */

  /**
   * Answers the first request of each connection with keep-alive, then closes the connection when
   * the second request arrives, without answering: what the proxy sees when a server's idle timeout
   * closes a pooled connection just as a request is sent on it.
   */
  private static final class StaleBackend implements AutoCloseable {
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    private final ServerSocket server;

    StaleBackend() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(this::accept);
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          connections.incrementAndGet();
          Thread.ofVirtual().start(() -> serve(socket));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket socket) {
      try (socket) {
        InputStream in = socket.getInputStream();
        String head = RawHttp.readHead(in);
        if (head == null) {
          return;
        }
        requests.incrementAndGet();
        String body = "served " + head.split(" ")[1];
        socket
            .getOutputStream()
            .write(
                ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.ISO_8859_1));
        if (RawHttp.readHead(in) != null) {
          requests.incrementAndGet();
        }
      } catch (IOException e) {
        // the proxy went away
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  /** Accepts connections and never reads from them, with a small receive buffer. */
  private static final class StuckBackend implements AutoCloseable {
    final BlockingQueue<Socket> accepted = new ArrayBlockingQueue<>(16);
    private final ServerSocket server;

    StuckBackend() throws IOException {
      server = new ServerSocket();
      server.setReceiveBufferSize(4096);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread.ofVirtual()
          .start(
              () -> {
                while (!server.isClosed()) {
                  try {
                    accepted.offer(server.accept());
                  } catch (IOException e) {
                    return;
                  }
                }
              });
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }
}
