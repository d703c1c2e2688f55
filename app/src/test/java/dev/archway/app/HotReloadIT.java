package dev.archway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.echo.EchoServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changing the files under a running gateway: changes apply without a restart and without failing a
 * single request, and a broken file leaves the last good configuration serving.
 */
class HotReloadIT {
  @TempDir Path dir;
  @TempDir Path logs;

  EchoServer blue;
  EchoServer green;
  ArchwayProcess archway;
  int gatewayPort;
  Path routes;
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws IOException {
    blue = EchoServer.start("blue", new InetSocketAddress("127.0.0.1", 0));
    green = EchoServer.start("green", new InetSocketAddress("127.0.0.1", 0));
    gatewayPort = ArchwayProcess.freePort();
    String admin = "127.0.0.1:" + ArchwayProcess.freePort();
    Files.writeString(
        dir.resolve("gateway.yaml"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: archway}
        spec: {controllerName: archway.dev/gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw}
        spec:
          gatewayClassName: archway
          listeners: [{name: http, protocol: HTTP, port: %d}]
        ---
        apiVersion: archway.dev/v1alpha1
        kind: Backend
        metadata: {name: blue}
        spec: {endpoints: [{ip: {address: 127.0.0.1, port: %d}}]}
        ---
        apiVersion: archway.dev/v1alpha1
        kind: Backend
        metadata: {name: green}
        spec: {endpoints: [{ip: {address: 127.0.0.1, port: %d}}]}
        """
            .formatted(gatewayPort, blue.port(), green.port()));
    routes = dir.resolve("routes.yaml");
    writeRoutes("blue", 0);
    archway =
        ArchwayProcess.start(
                logs.resolve("archway.log"), "run", "-f", dir.toString(), "--admin-address", admin)
            .awaitReady(admin);
  }

  @AfterEach
  void stop() throws InterruptedException {
    archway.close();
    blue.close();
    green.close();
  }

  /** One route sending / to {@code backend}, plus {@code extra} routes /extra-N. */
  private void writeRoutes(String backend, int extra) throws IOException {
    StringBuilder yaml =
        new StringBuilder(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: main}
            spec:
              parentRefs: [{name: gw}]
              rules:
              - backendRefs: [{group: archway.dev, kind: Backend, name: %s}]
            """
                .formatted(backend));
    for (int i = 0; i < extra; i++) {
      yaml.append(
          """
          ---
          apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: extra-%d}
          spec:
            parentRefs: [{name: gw}]
            rules:
            - matches: [{path: {type: Exact, value: /extra-%d}}]
              backendRefs: [{group: archway.dev, kind: Backend, name: green}]
          """
              .formatted(i, i));
    }
    // Write then rename, as editors and config tools do, so the gateway never reads half a file.
    Path temp = dir.resolve(".routes.yaml.tmp");
    Files.writeString(temp, yaml);
    Files.move(temp, routes, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String backendOf(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = get(path);
    if (response.statusCode() != 200) {
      return "status " + response.statusCode();
    }
    return tools.jackson.databind.json.JsonMapper.shared()
        .readTree(response.body())
        .path("pod")
        .asString();
  }

  @Test
  void changesApplyUnderLoadWithoutAFailedRequest() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService load = Executors.newFixedThreadPool(3);
    List<Future<?>> loops = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    for (int t = 0; t < 3; t++) {
      loops.add(
          load.submit(
              () -> {
                while (running.get() && System.nanoTime() < deadline) {
                  try {
                    HttpResponse<String> response = get("/");
                    if (response.statusCode() == 200) {
                      ok.incrementAndGet();
                    } else {
                      failures.add("status " + response.statusCode() + ": " + response.body());
                    }
                  } catch (IOException e) {
                    failures.add(e.toString());
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              }));
    }
    try {
      for (int round = 1; round <= 6; round++) {
        String backend = round % 2 == 0 ? "blue" : "green";
        writeRoutes(backend, round);
        int extras = round;
        await()
            .atMost(Duration.ofSeconds(5))
            .pollInterval(Duration.ofMillis(20))
            .until(
                () ->
                    backendOf("/").equals(backend)
                        && get("/extra-" + (extras - 1)).statusCode() == 200);
      }
    } finally {
      running.set(false);
      for (Future<?> loop : loops) {
        loop.get();
      }
      load.shutdown();
    }
    assertThat(failures).isEmpty();
    // The loop really ran across the changes (how many requests fit depends on the machine).
    assertThat(ok.get()).isGreaterThanOrEqualTo(6);
  }

  /**
   * Routes in a file that did not change are not translated again (the log says how many were
   * reused), yet a change to what they depend on, here the Backend they send to, reaches them.
   */
  @Test
  void unchangedRoutesAreReusedAndStillFollowTheirBackends() throws Exception {
    assertThat(backendOf("/")).isEqualTo("blue");
    // The first configuration reused nothing, though it is translated again once the listeners
    // are bound (new runtime facts): the line counts the translation it times.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> archway.output().contains("configuration applied"));
    assertThat(archway.output()).contains("with 0 of 1 HTTPRoutes unchanged");
    Path other = dir.resolve("other.yaml");
    Files.writeString(other, route("other", "/other"));
    await().atMost(Duration.ofSeconds(5)).until(() -> backendOf("/other").equals("green"));
    // routes.yaml ("main") was not touched: its HTTPRoute is reused, only "other" is new.
    assertThat(archway.output()).contains("with 1 of 2 HTTPRoutes unchanged");

    // The Backend "green" now points at blue's port: both routes' traffic follows, although
    // neither route file changed.
    String gateway = Files.readString(dir.resolve("gateway.yaml"));
    Files.writeString(
        dir.resolve("gateway.yaml"),
        gateway.replace("port: " + green.port() + "}", "port: " + blue.port() + "}"));
    await().atMost(Duration.ofSeconds(5)).until(() -> backendOf("/other").equals("blue"));
    assertThat(archway.output()).contains("with 0 of 2 HTTPRoutes unchanged");
  }

  private static String route(String name, String path) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - matches: [{path: {type: PathPrefix, value: %s}}]
            backendRefs: [{group: archway.dev, kind: Backend, name: green}]
        """
        .formatted(name, path);
  }

  @Test
  void aBrokenFileIsReportedAndTheLastGoodConfigurationKeepsServing() throws Exception {
    assertThat(backendOf("/")).isEqualTo("blue");
    Files.writeString(
        routes, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: [\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> archway.output().contains(routes + ":"));
    assertThat(archway.output()).contains("last good configuration keeps serving");
    assertThat(backendOf("/")).isEqualTo("blue");

    writeRoutes("green", 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> backendOf("/").equals("green"));
  }
}
