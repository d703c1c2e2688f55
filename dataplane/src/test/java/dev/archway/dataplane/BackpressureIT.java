package dev.archway.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A side that stops reading holds the other side back: the proxy stops reading from the sender
 * instead of buffering the stream, and the stream goes on once the reader reads again. Both peers
 * are plain sockets, so the test sees how far the sender got.
 */
class BackpressureIT {
  /** Far more than every socket buffer on the way can hold. */
  private static final long TOTAL = 512L << 20;

  /**
   * What a stalled stream may leave in flight: the kernel's buffers of two loopback connections
   * (this machine lets a receive buffer grow to 32 MiB) and the proxy's own queue.
   */
  private static final long IN_FLIGHT_BOUND = 128L << 20;

  private static final byte[] BLOCK = new byte[64 * 1024];

  private static final ExecutorService PEERS = Executors.newCachedThreadPool();

  private static ServerSocket upstream;
  private static DataPlane dataPlane;
  private static int port;

  @BeforeAll
  static void start() throws IOException {
    upstream = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    port = E2e.freePort();
    dataPlane = E2e.dataPlane();
    assertThat(
            dataPlane
                .apply(
                    Ir.config(
                        Ir.catchAll(port, "raw"),
                        Ir.destination("raw", "127.0.0.1", upstream.getLocalPort())))
                .allBound())
        .isTrue();
  }

  @AfterAll
  static void stop() throws IOException {
    dataPlane.close();
    upstream.close();
    PEERS.shutdownNow();
  }

  @Test
  void aClientThatStopsReadingPausesTheUpstream() throws Exception {
    AtomicLong written = new AtomicLong();
    CompletableFuture<Void> server = respondOnce(TOTAL, written);
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
      client.getOutputStream().write(head("GET /big HTTP/1.1", -1));

      awaitStalled(written);
      assertThat(written.get()).isLessThan(IN_FLIGHT_BOUND);

      InputStream in = client.getInputStream();
      assertThat(readHead(in)).startsWith("HTTP/1.1 200");
      assertThat(drain(in, TOTAL)).isEqualTo(TOTAL);
      server.get(30, TimeUnit.SECONDS);
      assertThat(written.get()).isEqualTo(TOTAL);
    }
  }

  @Test
  void anUpstreamThatStopsReadingPausesTheClient() throws Exception {
    CountDownLatch startReading = new CountDownLatch(1);
    CompletableFuture<Long> server =
        CompletableFuture.supplyAsync(
            () -> {
              try (Socket s = upstream.accept()) {
                startReading.await();
                InputStream in = s.getInputStream();
                readHead(in);
                long body = drain(in, TOTAL);
                s.getOutputStream().write(head("HTTP/1.1 204 No Content", -1));
                return body;
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            },
            PEERS);
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
      AtomicLong sent = new AtomicLong();
      CompletableFuture<Void> upload =
          CompletableFuture.runAsync(
              () -> {
                try {
                  OutputStream out = client.getOutputStream();
                  out.write(head("POST /up HTTP/1.1", TOTAL));
                  writeBody(out, sent, TOTAL);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              },
              PEERS);

      awaitStalled(sent);
      assertThat(sent.get()).isLessThan(IN_FLIGHT_BOUND);

      startReading.countDown();
      assertThat(server.get(30, TimeUnit.SECONDS)).isEqualTo(TOTAL);
      upload.get(30, TimeUnit.SECONDS);
      assertThat(readHead(client.getInputStream())).startsWith("HTTP/1.1 204");
    }
  }

  /**
   * The connection a client asked to close is closed only once the response's last bytes are out:
   * the client reads slowly, so the proxy still holds bytes for it when the upstream's last piece
   * arrives and the exchange ends.
   */
  @Test
  void aConnectionToCloseClosesOnlyAfterTheWholeResponse() throws Exception {
    long size = 8L << 20;
    CompletableFuture<Void> server = respondOnce(size, new AtomicLong());
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
      client.setSoTimeout(30_000); // a connection left open fails the test instead of hanging it
      client
          .getOutputStream()
          .write(
              "GET /close HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = client.getInputStream();
      assertThat(readHead(in)).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
      byte[] buffer = new byte[16 * 1024];
      long read = 0;
      for (int r; (r = in.read(buffer)) >= 0; ) {
        read += r;
        Thread.sleep(1);
      }
      assertThat(read).isEqualTo(size);
      server.get(30, TimeUnit.SECONDS);
    }
  }

  /** Waits until {@code progress} has started and then not moved for a second. */
  private static void awaitStalled(AtomicLong progress) {
    long[] last = {-1};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              long now = progress.get();
              boolean stalled = now > 0 && now == last[0];
              last[0] = now;
              if (stalled) {
                System.out.printf("stalled after %.1f MiB%n", now / (1024.0 * 1024));
              }
              return stalled;
            });
  }

  /** A request or response head; a body length below zero means none is announced. */
  private static byte[] head(String firstLine, long contentLength) {
    String host = firstLine.startsWith("HTTP/") ? "" : "Host: h\r\n";
    String length = contentLength < 0 ? "" : "Content-Length: " + contentLength + "\r\n";
    return (firstLine + "\r\n" + host + length + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** The upstream's side: takes one request and answers with a body of {@code size} bytes. */
  private static CompletableFuture<Void> respondOnce(long size, AtomicLong written) {
    return CompletableFuture.runAsync(
        () -> {
          try (Socket s = upstream.accept()) {
            readHead(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write(head("HTTP/1.1 200 OK", size));
            writeBody(out, written, size);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        },
        PEERS);
  }

  private static void writeBody(OutputStream out, AtomicLong written, long total)
      throws IOException {
    while (written.get() < total) {
      int n = (int) Math.min(BLOCK.length, total - written.get());
      out.write(BLOCK, 0, n);
      written.addAndGet(n);
    }
    out.flush();
  }

  /** Reads up to the blank line that ends a head; returns the head. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** Reads {@code n} bytes or up to the end of the stream; returns how many were read. */
  private static long drain(InputStream in, long n) throws IOException {
    byte[] buffer = new byte[256 * 1024];
    long read = 0;
    while (read < n) {
      int r = in.read(buffer, 0, (int) Math.min(buffer.length, n - read));
      if (r < 0) {
        break;
      }
      read += r;
    }
    return read;
  }
}
