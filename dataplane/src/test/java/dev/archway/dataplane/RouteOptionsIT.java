package dev.archway.dataplane;

import static dev.archway.dataplane.E2e.json;
import static dev.archway.dataplane.E2e.request;
import static dev.archway.dataplane.E2e.send;
import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.echo.EchoServer;
import dev.archway.echo.H2cClient;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.HttpRouteOptions;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Route options end to end: timeouts, retry, CORS, mirrors, gRPC answers, h2c upstreams. */
class RouteOptionsIT {
  private static EchoServer main;
  private static EchoServer mirror;
  private static DataPlane dataPlane;
  private static HttpClient client;
  private static int port;

  @BeforeAll
  static void start() {
    main = E2e.echo("infra-backend-v1");
    mirror = E2e.echo("infra-backend-mirror");
    port = E2e.freePort();
    dataPlane = E2e.dataPlane();
    HttpRouteOptions.Cors cors =
        new HttpRouteOptions.Cors(
            List.of("https://www.foo.com", "https://*.bar.com"),
            true,
            List.of("GET", "POST"),
            List.of("x-custom"),
            List.of("x-exposed"),
            3600);
    List<HttpRoute> routes =
        List.of(
            route("timeout-request", "/timeout/request", opts(null, timeouts(300L, null), null)),
            route("timeout-backend", "/timeout/backend", opts(null, timeouts(null, 300L), null)),
            route(
                "retry",
                "/retry",
                opts(null, null, new HttpRouteOptions.Retry(List.of(500, 503), 3, 10))),
            route(
                "retry-timeout",
                "/slow-retry",
                opts(null, timeouts(null, 300L), new HttpRouteOptions.Retry(List.of(), 2, 10))),
            route("cors", "/cors", new HttpRouteOptions(List.of(), cors, null, null, null, false)),
            route(
                "mirror",
                "/mirror",
                opts(List.of(new HttpRouteOptions.RequestMirror("mirror", 1, 1)), null, null)),
            new HttpRoute(
                "h2c", "*", prefix("/h2c"), List.of(), List.of(backend("main-h2c", 1)), null),
            new HttpRoute(
                "dns", "*", prefix("/dns"), List.of(), List.of(backend("main-dns", 1)), null),
            new HttpRoute(
                "grpc-empty",
                "*",
                prefix("/grpc.Empty/"),
                List.of(),
                List.of(),
                new HttpRouteOptions(List.of(), null, null, null, null, true)));
    dataPlane.apply(
        Ir.config(
            Ir.listener(port, vhost("v", "*", routes.toArray(HttpRoute[]::new))),
            E2e.destination("main", main),
            E2e.destination("mirror", mirror),
            new Destination(
                "main-dns",
                Destination.AppProtocol.HTTP1,
                List.of(new Endpoint("localhost", main.port()))),
            new Destination(
                "main-h2c",
                Destination.AppProtocol.H2C,
                List.of(new Endpoint("127.0.0.1", main.port())))));
    client = E2e.http1();
  }

  @AfterAll
  static void stop() {
    client.close();
    dataPlane.close();
    main.close();
    mirror.close();
  }

  private static HttpRoute route(String name, String path, HttpRouteOptions options) {
    return new HttpRoute(name, "*", prefix(path), List.of(), List.of(backend("main", 1)), options);
  }

  private static HttpRouteOptions opts(
      List<HttpRouteOptions.RequestMirror> mirrors,
      HttpRouteOptions.Timeouts timeouts,
      HttpRouteOptions.Retry retry) {
    return new HttpRouteOptions(mirrors, null, timeouts, retry, null, false);
  }

  private static HttpRouteOptions.Timeouts timeouts(Long request, Long backend) {
    return new HttpRouteOptions.Timeouts(request, backend);
  }

  @Test
  void requestTimeoutAnswers504() {
    HttpResponse<String> response = send(client, request(port, null, "/timeout/request?delay=3s"));

    assertThat(response.statusCode()).isEqualTo(504);
  }

  @Test
  void backendRequestTimeoutAnswers504() {
    HttpResponse<String> response = send(client, request(port, null, "/timeout/backend?delay=3s"));

    assertThat(response.statusCode()).isEqualTo(504);
  }

  @Test
  void fastResponsesBeatTheTimeouts() {
    assertThat(send(client, request(port, null, "/timeout/request")).statusCode()).isEqualTo(200);
    assertThat(send(client, request(port, null, "/timeout/backend")).statusCode()).isEqualTo(200);
  }

  @Test
  void retriesUntilTheBackendSucceeds() {
    String uuid = UUID.randomUUID().toString();
    HttpResponse<String> response =
        send(
            client,
            request(port, null, "/retry?uuid=" + uuid + "&succeedAfter=2&responseCode=503"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(main.requests().stream().filter(r -> r.contains(uuid))).hasSize(3);
    // Each try's head is made from the client's request afresh: the proxy's edits appear once.
    assertThat(forwardedFor(response)).isEqualTo("127.0.0.1");
  }

  private static String forwardedFor(HttpResponse<String> response) {
    tools.jackson.databind.JsonNode values =
        json(response.body()).get("headers").get("X-Forwarded-For");
    assertThat(values).hasSize(1);
    return values.get(0).asString();
  }

  @Test
  void retriesStopAfterTheAttempts() {
    String uuid = UUID.randomUUID().toString();
    HttpResponse<String> response =
        send(
            client,
            request(port, null, "/retry?uuid=" + uuid + "&succeedAfter=10&responseCode=500"));

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(main.requests().stream().filter(r -> r.contains(uuid))).hasSize(4);
  }

  /** HTTPRouteRetryBackendTimeout: a try that exceeds timeouts.backendRequest is retried. */
  @Test
  void retriesATryThatTimedOut() {
    String uuid = UUID.randomUUID().toString();
    HttpResponse<String> response =
        send(client, request(port, null, "/slow-retry?uuid=" + uuid + "&delay=3s"));

    // Every try is slower than the backend timeout: the first and both retries reach the backend.
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(main.requests().stream().filter(r -> r.contains(uuid))).hasSize(3);
  }

  /**
   * HTTPRouteRetryConnectionError: a connection the backend dropped is retried, whatever the retry
   * codes. Two drops, because the first may be the one silent retry of a stale pooled connection.
   */
  @Test
  void retriesAConnectionTheBackendDropped() {
    String uuid = UUID.randomUUID().toString();
    HttpResponse<String> response =
        send(client, request(port, null, "/retry?uuid=" + uuid + "&succeedAfter=2"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(main.requests().stream().filter(r -> r.contains(uuid))).hasSize(3);
    // Each try's head is made from the client's request afresh: the proxy's edits appear once.
    assertThat(forwardedFor(response)).isEqualTo("127.0.0.1");
  }

  @Test
  void corsPreflightIsAnsweredAtTheGateway() {
    HttpResponse<String> response =
        send(
            client,
            request(port, null, "/cors")
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.bar.com")
                .header("Access-Control-Request-Method", "POST"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://app.bar.com");
    assertThat(response.headers().firstValue("access-control-allow-methods")).hasValue("GET, POST");
    assertThat(response.headers().firstValue("access-control-allow-headers")).hasValue("x-custom");
    assertThat(response.headers().firstValue("access-control-max-age")).hasValue("3600");
    assertThat(response.headers().firstValue("access-control-allow-credentials")).hasValue("true");
    assertThat(main.requests()).noneMatch(r -> r.startsWith("OPTIONS /cors"));
  }

  @Test
  void corsActualRequestGetsTheResponseHeaders() {
    HttpResponse<String> response =
        send(client, request(port, null, "/cors").header("Origin", "https://www.foo.com"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://www.foo.com");
    assertThat(response.headers().firstValue("access-control-expose-headers"))
        .hasValue("x-exposed");
  }

  @Test
  void corsDisallowedOriginGetsNoAllowOrigin() {
    HttpResponse<String> preflight =
        send(
            client,
            request(port, null, "/cors")
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://bar.com")
                .header("Access-Control-Request-Method", "GET"));
    HttpResponse<String> actual =
        send(client, request(port, null, "/cors").header("Origin", "https://evil.com"));

    assertThat(preflight.headers().firstValue("access-control-allow-origin")).isEmpty();
    assertThat(actual.statusCode()).isEqualTo(200);
    assertThat(actual.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void mirrorReceivesACopyAndTheMainResponseIsUnaffected() {
    String id = UUID.randomUUID().toString();
    HttpResponse<String> response =
        send(
            client,
            request(port, null, "/mirror/" + id)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("mirrored body")));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response.body()).get("pod").asString()).isEqualTo("infra-backend-v1");
    assertThat(forwardedFor(response)).isEqualTo("127.0.0.1");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(mirror.requests()).contains("POST /mirror/" + id));
  }

  @Test
  void h2cDestinationIsSpokenToInHttp2() {
    HttpResponse<String> response = send(client, request(port, null, "/h2c/hello"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response.body()).get("proto").asString()).isEqualTo("HTTP/2.0");
  }

  @Test
  void dnsNamedEndpointsAreResolvedWhenConnecting() {
    HttpResponse<String> response = send(client, request(port, null, "/dns/a"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response.body()).get("path").asString()).isEqualTo("/dns/a");
  }

  @Test
  void grpcCallsGetGrpcStatuses() throws Exception {
    try (H2cClient h2 = H2cClient.connect(new InetSocketAddress("127.0.0.1", port))) {
      Map<String, String> grpc = Map.of("content-type", "application/grpc", "te", "trailers");
      H2cClient.Response unmatched =
          h2.send("POST", "a", "/nothing.Here/Call", grpc, new byte[0], Duration.ofSeconds(5));
      H2cClient.Response noBackend =
          h2.send("POST", "a", "/grpc.Empty/Call", grpc, new byte[0], Duration.ofSeconds(5));

      assertThat(unmatched.status()).isEqualTo(200);
      assertThat(unmatched.header("grpc-status")).isEqualTo("12");
      assertThat(noBackend.status()).isEqualTo(200);
      assertThat(noBackend.header("grpc-status")).isEqualTo("14");
    }
  }
}
