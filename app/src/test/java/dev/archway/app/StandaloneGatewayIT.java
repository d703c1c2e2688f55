package dev.archway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.archway.echo.EchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The standalone gateway end to end: the real jar runs {@code archway run} on YAML files, echo
 * backends answer on 127.0.0.1, and real HTTP requests go through. Hot reload has its own test
 * class, which owns its files.
 */
class StandaloneGatewayIT {
  @TempDir static Path dir;

  static EchoServer v1;
  static EchoServer v2;
  static EchoServer other;
  static ArchwayProcess archway;
  static int gatewayPort;
  static String adminAddress;
  static HttpClient client;

  @BeforeAll
  static void start() throws IOException {
    v1 = EchoServer.start("v1", new InetSocketAddress("127.0.0.1", 0));
    v2 = EchoServer.start("v2", new InetSocketAddress("127.0.0.1", 0));
    other = EchoServer.start("other", new InetSocketAddress("127.0.0.1", 0));
    gatewayPort = ArchwayProcess.freePort();
    adminAddress = "127.0.0.1:" + ArchwayProcess.freePort();
    Path config = Files.createDirectories(dir.resolve("config"));
    Map<String, String> values =
        Map.of(
            "GATEWAY_PORT", String.valueOf(gatewayPort),
            "V1_PORT", String.valueOf(v1.port()),
            "V2_PORT", String.valueOf(v2.port()),
            "OTHER_PORT", String.valueOf(other.port()));
    Files.writeString(config.resolve("gateway.yaml"), resource("gateway.yaml", values));
    Files.writeString(config.resolve("routes.yaml"), resource("routes.yaml", values));
    archway =
        ArchwayProcess.start(
                dir.resolve("archway.log"),
                "run",
                "-f",
                config.toString(),
                "--admin-address",
                adminAddress,
                "--workers",
                "2")
            .awaitReady(adminAddress);
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (archway != null) {
      archway.close();
    }
    for (EchoServer echo : new EchoServer[] {v1, v2, other}) {
      if (echo != null) {
        echo.close();
      }
    }
  }

  static String resource(String name, Map<String, String> values) throws IOException {
    try (InputStream in = StandaloneGatewayIT.class.getResourceAsStream("/standalone/" + name)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (Map.Entry<String, String> e : values.entrySet()) {
        text = text.replace("${" + e.getKey() + "}", e.getValue());
      }
      return text;
    }
  }

  static HttpResponse<String> send(String method, String host, String pathAndQuery)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(), method, host, pathAndQuery);
  }

  static HttpResponse<String> send(
      HttpRequest.Builder builder, String method, String host, String pathAndQuery)
      throws IOException, InterruptedException {
    HttpRequest request =
        builder
            .uri(URI.create("http://127.0.0.1:" + gatewayPort + pathAndQuery))
            .header("Host", host)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode echoed(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JsonMapper.shared().readTree(response.body());
  }

  static String backendOf(String method, String host, String path) throws Exception {
    return echoed(send(method, host, path)).path("pod").asString();
  }

  @Test
  void routesByPathWithTheSpecsPrecedence() throws Exception {
    assertThat(backendOf("GET", "app.example.com", "/exact")).isEqualTo("v1");
    assertThat(backendOf("GET", "app.example.com", "/prefix/x")).isEqualTo("v2");
    assertThat(backendOf("GET", "app.example.com", "/prefix")).isEqualTo("v2");
    assertThat(backendOf("GET", "app.example.com", "/prefix/deeper/x")).isEqualTo("other");
    assertThat(backendOf("POST", "app.example.com", "/method")).isEqualTo("other");
    assertThat(backendOf("GET", "app.example.com", "/method")).isEqualTo("v1");
    assertThat(backendOf("GET", "app.example.com", "/query?version=2")).isEqualTo("v2");
    assertThat(backendOf("GET", "app.example.com", "/query?version=3")).isEqualTo("v1");
  }

  @Test
  void moreHeaderMatchesWinOverFewerForTheSamePath() throws Exception {
    HttpResponse<String> canary =
        send(
            HttpRequest.newBuilder().header("X-Env", "canary"),
            "GET",
            "app.example.com",
            "/prefix");
    assertThat(echoed(canary).path("pod").asString()).isEqualTo("other");
  }

  @Test
  void anExactHostnameFallsBackToAWildcardRouteWhenNoneOfItsOwnMatch() throws Exception {
    assertThat(backendOf("GET", "app.example.com", "/elsewhere")).isEqualTo("other");
    assertThat(backendOf("GET", "anything.example.com", "/")).isEqualTo("other");
  }

  @Test
  void prefixMatchesWholeSegmentsOnly() throws Exception {
    // /prefixes is not under /prefix; it falls through to the wildcard route.
    assertThat(backendOf("GET", "app.example.com", "/prefixes")).isEqualTo("other");
  }

  @Test
  void unknownHostsGet404() throws Exception {
    assertThat(send("GET", "nobody.test", "/").statusCode()).isEqualTo(404);
    assertThat(send("GET", "example.com", "/").statusCode())
        .as("*.example.com never matches example.com itself")
        .isEqualTo(404);
  }

  @Test
  void forwardsHostAndSetsForwardedHeaders() throws Exception {
    JsonNode echo = echoed(send("GET", "app.example.com:" + gatewayPort, "/exact?a=1&b=2"));
    assertThat(echo.path("host").asString()).isEqualTo("app.example.com:" + gatewayPort);
    assertThat(echo.path("path").asString()).isEqualTo("/exact?a=1&b=2");
    assertThat(echo.at("/headers/X-Forwarded-For/0").asString()).isEqualTo("127.0.0.1");
    assertThat(echo.at("/headers/X-Forwarded-Proto/0").asString()).isEqualTo("http");
  }

  @Test
  void splitsTrafficByWeight() throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    int total = 2000;
    for (int i = 0; i < total; i++) {
      counts.merge(backendOf("GET", "weights.test", "/"), 1, Integer::sum);
    }
    assertThat(counts).doesNotContainKey("other");
    assertThat(counts.getOrDefault("v1", 0) / (double) total).isCloseTo(0.75, within(0.05));
    assertThat(counts.getOrDefault("v2", 0) / (double) total).isCloseTo(0.25, within(0.05));
  }

  @Test
  void modifiesRequestAndResponseHeaders() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder()
                .header("X-Add", "original")
                .header("X-Remove", "gone")
                .header("X-Set", "overwritten"),
            "GET",
            "filters.test",
            "/headers");
    JsonNode echo = echoed(response);
    assertThat(echo.at("/headers/X-Set").toString()).isEqualTo("[\"set-value\"]");
    assertThat(echo.at("/headers/X-Add").toString()).contains("original").contains("added");
    assertThat(echo.at("/headers/X-Remove").isMissingNode()).isTrue();
    assertThat(response.headers().firstValue("X-Response")).hasValue("from-gateway");
  }

  @Test
  void redirectsWithoutCallingABackend() throws Exception {
    HttpResponse<String> moved = send("GET", "filters.test", "/redirect/page?x=1");
    assertThat(moved.statusCode()).isEqualTo(301);
    // No scheme or port in the filter: the request's scheme and the listener's port.
    assertThat(moved.headers().firstValue("Location"))
        .hasValue("http://elsewhere.test:" + gatewayPort + "/redirect/page?x=1");

    HttpResponse<String> secure = send("GET", "filters.test", "/secure/login");
    assertThat(secure.statusCode()).isEqualTo(302);
    assertThat(secure.headers().firstValue("Location"))
        .hasValue("https://filters.test/secure/login");
  }

  @Test
  void rewritesHostAndPathPrefix() throws Exception {
    JsonNode echo = echoed(send("GET", "filters.test", "/old/menu?day=1"));
    assertThat(echo.path("pod").asString()).isEqualTo("v2");
    assertThat(echo.path("path").asString()).isEqualTo("/new/menu?day=1");
    assertThat(echo.path("host").asString()).isEqualTo("rewritten.test");
  }

  @Test
  void answers500ForInvalidBackendsAnd503ForNoReadyEndpoints() throws Exception {
    assertThat(send("GET", "errors.test", "/missing-service").statusCode()).isEqualTo(500);
    assertThat(send("GET", "errors.test", "/no-backends").statusCode()).isEqualTo(500);
    assertThat(send("GET", "errors.test", "/not-ready").statusCode()).isEqualTo(503);
  }

  @Test
  void adminApiShowsStatusesAndConfig() throws Exception {
    HttpResponse<String> status =
        client.send(
            HttpRequest.newBuilder(URI.create("http://" + adminAddress + "/status?format=json"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode resources = JsonMapper.shared().readTree(status.body());
    JsonNode route = null;
    JsonNode gateway = null;
    for (JsonNode resource : resources) {
      String name = resource.at("/metadata/name").asString();
      if (resource.path("kind").asString().equals("HTTPRoute") && name.equals("precedence")) {
        route = resource;
      }
      if (resource.path("kind").asString().equals("Gateway")) {
        gateway = resource;
      }
    }
    assertThat(route).isNotNull();
    JsonNode accepted = route.at("/status/parents/0/conditions/0");
    assertThat(accepted.path("type").asString()).isEqualTo("Accepted");
    assertThat(accepted.path("status").asString()).isEqualTo("True");
    assertThat(accepted.path("lastTransitionTime").asString()).isNotEmpty();
    assertThat(gateway.at("/status/listeners/0/attachedRoutes").asInt()).isEqualTo(5);

    HttpResponse<String> config =
        client.send(
            HttpRequest.newBuilder(URI.create("http://" + adminAddress + "/config")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(config.body()).contains("httproute/default/precedence/rule/0/match/0");

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> archway.output().contains("HTTPRoute/default/precedence:"));
  }
}
