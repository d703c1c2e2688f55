package dev.archway.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream idle timeout: a pooled HTTP/1.1 connection is closed once it has sat unused for that
 * long, is reused before then, and is never closed while a slow response is under way on it. One
 * worker, so that every request goes through the same pool.
 */
class UpstreamIdleIT {
  private static final Duration IDLE = Duration.ofMillis(400);

  private CountingBackend backend;
  private DataPlane dataPlane;
  private int port;

  @BeforeEach
  void start() throws IOException {
    backend = new CountingBackend();
    port = E2e.freePort();
    dataPlane =
        DataPlane.start(
            DataPlaneOptions.defaults()
                .withWorkers(1)
                .withUpstreamIdleTimeout(IDLE)
                .withDrainTimeout(Duration.ofSeconds(2)));
    Destination local =
        new Destination(
            "counting",
            Destination.AppProtocol.HTTP1,
            List.of(new Endpoint("127.0.0.1", backend.port())));
    assertThat(dataPlane.apply(Ir.config(Ir.catchAll(port, "counting"), local)).allBound())
        .isTrue();
  }

  @AfterEach
  void stop() throws IOException {
    dataPlane.close();
    backend.close();
  }

  @Test
  void anUnusedPooledConnectionIsClosedAfterTheIdleTimeoutAndReusedBefore() {
    assertThat(get("/one")).isEqualTo(200);
    assertThat(get("/two")).isEqualTo(200);
    assertThat(backend.connections.get())
        .as("the second request reused the first's connection")
        .isEqualTo(1);

    await().atMost(Duration.ofSeconds(10)).until(() -> backend.closedByProxy.get() == 1);

    assertThat(get("/three")).isEqualTo(200);
    assertThat(backend.connections.get())
        .as("a new connection after the idle one closed")
        .isEqualTo(2);
  }

  @Test
  void aConnectionBusyLongerThanTheIdleTimeoutIsNotClosed() {
    // The backend takes three idle timeouts to answer; the connection is in use all along.
    assertThat(get("/slow")).isEqualTo(200);
    assertThat(backend.closedByProxy.get()).isZero();
    assertThat(get("/after")).isEqualTo(200);
    assertThat(backend.connections.get())
        .as("the slow request's connection was pooled and reused")
        .isEqualTo(1);
  }

  private int get(String path) {
    return RawHttp.send(
            port, "GET " + path + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 10_000)
        .status();
  }

  /**
   * Answers every request with keep-alive (after a delay for /slow); counts connections and closes.
   */
  private static final class CountingBackend implements AutoCloseable {
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger closedByProxy = new AtomicInteger();
    private final ServerSocket server;

    CountingBackend() throws IOException {
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
        String head;
        while ((head = RawHttp.readHead(in)) != null) {
          String path = head.split(" ")[1];
          if (path.equals("/slow")) {
            Thread.sleep(IDLE.toMillis() * 3);
          }
          String body = "served " + path;
          socket
              .getOutputStream()
              .write(
                  ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                      .getBytes(StandardCharsets.ISO_8859_1));
        }
        closedByProxy.incrementAndGet();
      } catch (IOException | InterruptedException e) {
        // the backend is closing
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
