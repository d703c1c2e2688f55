package dev.archway.dataplane;

import static dev.archway.dataplane.E2e.json;
import static dev.archway.dataplane.E2e.request;
import static dev.archway.dataplane.E2e.send;
import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.route;
import static dev.archway.dataplane.Ir.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.archway.echo.EchoServer;
import dev.archway.echo.H2cClient;
import dev.archway.ir.DataPlaneConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Configuration swaps and the graceful drain on shutdown, with requests in flight. */
class DrainIT {
  private EchoServer v1;
  private EchoServer v2;
  private DataPlane dataPlane;
  private HttpClient client;
  private int port;

  @BeforeEach
  void start() {
    v1 = E2e.echo("infra-backend-v1");
    v2 = E2e.echo("infra-backend-v2");
    port = E2e.freePort();
    dataPlane = E2e.dataPlane();
    client = E2e.http1();
  }

  @AfterEach
  void stop() {
    client.close();
    dataPlane.close();
    v1.close();
    v2.close();
  }

  private DataPlaneConfig config(String to) {
    return Ir.config(
        Ir.listener(port, vhost("v", "*", route("all", "*", prefix("/"), backend(to, 1)))),
        E2e.destination("v1", v1),
        E2e.destination("v2", v2));
  }

  @Test
  void hundredSwapsUnderLoadFailNoRequest() throws Exception {
    dataPlane.apply(config("v1"));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    Set<String> failures = ConcurrentHashMap.newKeySet();
    Set<String> pods = ConcurrentHashMap.newKeySet();
    List<Thread> load = new ArrayList<>();
    // Bounded in time, not in count: a fixed count can run out on a fast machine before the 100
    // swaps are done, and then no swap sees traffic.
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    for (int t = 0; t < 3; t++) {
      load.add(
          Thread.startVirtualThread(
              () -> {
                while (running.get() && System.nanoTime() < deadline) {
                  try {
                    HttpResponse<String> response = send(client, request(port, "h", "/swap"));
                    if (response.statusCode() == 200) {
                      ok.incrementAndGet();
                      pods.add(json(response.body()).get("pod").asString());
                    } else {
                      failures.add(response.statusCode() + " " + response.body());
                    }
                  } catch (RuntimeException e) {
                    failures.add(e.toString());
                  }
                }
              }));
    }
    for (int i = 0; i < 100; i++) {
      dataPlane.apply(config(i % 2 == 0 ? "v2" : "v1"));
      int before = ok.get();
      // Let some requests through on each table, so that swaps overlap with traffic.
      await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > before);
    }
    running.set(false);
    for (Thread thread : load) {
      thread.join();
    }

    assertThat(failures).isEmpty();
    assertThat(ok.get()).isGreaterThanOrEqualTo(100);
    assertThat(pods).contains("infra-backend-v1", "infra-backend-v2");
  }

  @Test
  void drainLetsInFlightRequestsFinishAndRefusesNewConnections() throws Exception {
    dataPlane.apply(config("v1"));
    List<CompletableFuture<HttpResponse<String>>> http1 = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // Separate clients: separate connections.
      HttpClient c = E2e.http1();
      http1.add(
          c.sendAsync(
              request(port, "h", "/slow-" + i + "?delay=700ms").build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    H2cClient h2 = H2cClient.connect(new InetSocketAddress("127.0.0.1", port));
    CompletableFuture<H2cClient.Response> http2 =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return h2.send(
                    "GET",
                    "h",
                    "/slow-h2?delay=700ms",
                    Map.of(),
                    new byte[0],
                    Duration.ofSeconds(10));
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> v1.requests().stream().filter(r -> r.contains("/slow")).count() == 4);

    dataPlane.beginDrain();
    assertThat(dataPlane.draining()).isTrue();
    Thread closing = Thread.startVirtualThread(dataPlane::close);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                    .isInstanceOf(ConnectException.class));

    for (CompletableFuture<HttpResponse<String>> response : http1) {
      assertThat(response.join().statusCode()).isEqualTo(200);
      // The drain began after the request was sent: the response still tells the client that the
      // connection ends with it.
      assertThat(response.join().headers().firstValue("connection")).hasValue("close");
    }
    assertThat(http2.join().status()).isEqualTo(200);
    closing.join();
    h2.close();
  }
}
