package dev.archway.dataplane;

import static dev.archway.dataplane.E2e.json;
import static dev.archway.dataplane.E2e.request;
import static dev.archway.dataplane.E2e.send;
import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.regex;
import static dev.archway.dataplane.Ir.route;
import static dev.archway.dataplane.Ir.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.archway.dataplane.routing.InvalidConfigException;
import dev.archway.echo.EchoServer;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.HttpListener;
import io.netty.channel.Channel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Configuration changes while traffic flows: table swaps, ports added and removed, rejection. */
class HotSwapIT {
  private EchoServer v1;
  private EchoServer v2;
  private DataPlane dataPlane;
  private HttpClient client;

  @BeforeEach
  void start() {
    v1 = E2e.echo("infra-backend-v1");
    v2 = E2e.echo("infra-backend-v2");
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

  private DataPlaneConfig config(String destination, int... ports) {
    List<HttpListener> listeners = new ArrayList<>();
    for (int port : ports) {
      listeners.add(
          Ir.listener(
              port,
              vhost(
                  "gateway/default/gw/listener/p" + port,
                  "*",
                  route("r", "*", prefix("/"), backend(destination, 1)))));
    }
    return Ir.config(
        "127.0.0.1", listeners, List.of(E2e.destination("v1", v1), E2e.destination("v2", v2)));
  }

  private String pod(int port) {
    HttpResponse<String> response = send(client, request(port, "h", "/"));
    assertThat(response.statusCode()).isEqualTo(200);
    return json(response.body()).get("pod").asString();
  }

  @Test
  void swapsTablesUnderLoadWithoutFailingARequest() throws Exception {
    int port = E2e.freePort();
    assertThat(dataPlane.apply(config("v1", port)).allBound()).isTrue();
    Channel listening = dataPlane.serverChannel("gateway/default/gw/port/" + port);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    Set<String> failures = ConcurrentHashMap.newKeySet();
    Set<String> pods = ConcurrentHashMap.newKeySet();
    ExecutorService load = Executors.newFixedThreadPool(4);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      workers.add(
          load.submit(
              () -> {
                while (running.get()) {
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
    int applies = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (System.nanoTime() < deadline) {
      dataPlane.apply(config(applies % 2 == 0 ? "v2" : "v1", port));
      applies++;
    }
    running.set(false);
    for (Future<?> worker : workers) {
      worker.get();
    }
    load.shutdown();

    assertThat(failures).isEmpty();
    assertThat(ok.get()).isGreaterThan(0);
    assertThat(applies).isGreaterThan(1);
    assertThat(pods).contains("infra-backend-v1", "infra-backend-v2");
    assertThat(dataPlane.serverChannel("gateway/default/gw/port/" + port)).isSameAs(listening);
  }

  @Test
  void closesRemovedPortsAndKeepsTheOthersBound() {
    int kept = E2e.freePort();
    int removed = E2e.freePort();
    assertThat(dataPlane.apply(config("v1", kept, removed)).allBound()).isTrue();
    Channel keptChannel = dataPlane.serverChannel("gateway/default/gw/port/" + kept);
    assertThat(pod(removed)).isEqualTo("infra-backend-v1");

    ApplyResult result = dataPlane.apply(config("v2", kept));

    assertThat(result.listeners()).hasSize(1);
    assertThat(dataPlane.serverChannel("gateway/default/gw/port/" + kept)).isSameAs(keptChannel);
    assertThat(keptChannel.isActive()).isTrue();
    assertThat(pod(kept)).isEqualTo("infra-backend-v2");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThatThrownBy(
                        () -> new Socket(InetAddress.getLoopbackAddress(), removed).close())
                    .isInstanceOf(IOException.class));
  }

  @Test
  void reportsAPortThatCannotBeBound() throws Exception {
    int free = E2e.freePort();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int busy = taken.getLocalPort();

      ApplyResult result = dataPlane.apply(config("v1", free, busy));

      ApplyResult.ListenerStatus failed =
          result.listener("gateway/default/gw/port/" + busy).orElseThrow();
      assertThat(failed.bound()).isFalse();
      assertThat(failed.error()).contains("127.0.0.1:" + busy).containsIgnoringCase("in use");
      assertThat(result.listener("gateway/default/gw/port/" + free).orElseThrow().bound()).isTrue();
      assertThat(result.listenerErrors()).containsOnlyKeys("gateway/default/gw/port/" + busy);
      assertThat(pod(free)).isEqualTo("infra-backend-v1");
    }
  }

  @Test
  void rejectsAnInvalidConfigAndKeepsServingTheLastGoodOne() {
    int port = E2e.freePort();
    dataPlane.apply(config("v1", port));
    DataPlaneConfig invalid =
        Ir.config(
            Ir.listener(
                port, vhost("v", "*", route("bad", "*", regex("/[unclosed"), backend("v2", 1)))),
            E2e.destination("v2", v2));

    assertThatThrownBy(() -> dataPlane.apply(invalid))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("match.path.value: /[unclosed");
    assertThat(pod(port)).isEqualTo("infra-backend-v1");
    assertThat(dataPlane.dump()).contains("backend v1");
  }

  @Test
  void closeLetsInFlightRequestsFinish() {
    int port = E2e.freePort();
    dataPlane.apply(config("v1", port));
    int connectionsBefore = v1.acceptedConnections();
    CompletableFuture<HttpResponse<String>> slow =
        client.sendAsync(
            request(port, "h", "/slow?delay=500ms").build(), HttpResponse.BodyHandlers.ofString());
    // The request has reached the backend once the proxy opened a connection to it.
    await().atMost(Duration.ofSeconds(5)).until(() -> v1.acceptedConnections() > connectionsBefore);

    dataPlane.close();

    assertThat(slow.join().statusCode()).isEqualTo(200);
  }
}
