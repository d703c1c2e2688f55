package dev.archway.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EchoServerTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static EchoServer echo;
  private static HttpClient client;

  @BeforeAll
  static void start() {
    echo =
        EchoServer.start(
            "infra-backend-v1-abc",
            "gateway-conformance-infra",
            "infra-backend-v1",
            new InetSocketAddress("127.0.0.1", 0));
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    echo.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + echo.port() + pathAndQuery);
  }

  @Test
  void echoesTheRequestOverHttp1() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/some/path?a=1&b=2"))
                .header("x-forwarded-for", "10.0.0.1")
                .header("X-Multi", "one")
                .header("X-Multi", "two"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("path").asString()).isEqualTo("/some/path?a=1&b=2");
    assertThat(body.get("host").asString()).isEqualTo("127.0.0.1:" + echo.port());
    assertThat(body.get("method").asString()).isEqualTo("GET");
    assertThat(body.get("proto").asString()).isEqualTo("HTTP/1.1");
    assertThat(body.get("pod").asString()).isEqualTo("infra-backend-v1-abc");
    assertThat(body.get("namespace").asString()).isEqualTo("gateway-conformance-infra");
    assertThat(body.get("service").asString()).isEqualTo("infra-backend-v1");
    assertThat(body.get("ingress").asString()).isEmpty();
    assertThat(body.get("bodyLength").asLong()).isZero();
    JsonNode headers = body.get("headers");
    assertThat(headers.get("X-Forwarded-For").get(0).asString()).isEqualTo("10.0.0.1");
    assertThat(headers.get("X-Multi").size()).isEqualTo(2);
    assertThat(headers.has("Host")).isFalse();
  }

  @Test
  void countsTheRequestBody() throws Exception {
    byte[] payload = new byte[300_000];
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)));

    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("method").asString()).isEqualTo("POST");
    assertThat(body.get("bodyLength").asLong()).isEqualTo(payload.length);
    assertThat(body.get("bodySha256").asString())
        .isEqualTo(
            java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(payload)));
  }

  @Test
  void streamsRequestedBytes() throws Exception {
    HttpResponse<byte[]> response =
        client.send(
            HttpRequest.newBuilder(uri("/bytes/200000")).build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).hasSize(200_000);
    for (int i = 0; i < response.body().length; i++) {
      assertThat(response.body()[i] & 0xff).isEqualTo(i % 251);
    }
  }

  @Test
  void answersWithTheRequestedStatus() throws Exception {
    assertThat(send(HttpRequest.newBuilder(uri("/status/418"))).statusCode()).isEqualTo(418);
    assertThat(send(HttpRequest.newBuilder(uri("/status/503"))).statusCode()).isEqualTo(503);
    assertThat(send(HttpRequest.newBuilder(uri("/status/abc"))).statusCode()).isEqualTo(200);
  }

  @Test
  void setsRequestedResponseHeaders() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/"))
                .header("X-Echo-Set-Header", "X-Foo: bar, X-Other:baz"));

    assertThat(response.headers().firstValue("x-foo")).hasValue("bar");
    assertThat(response.headers().firstValue("x-other")).hasValue("baz");
  }

  @Test
  void delaysTheAnswerWithoutBlockingOtherRequests() throws Exception {
    var delayed =
        client.sendAsync(
            HttpRequest.newBuilder(uri("/?delay=300ms")).build(),
            HttpResponse.BodyHandlers.ofString());
    // The single event loop still serves others while the delayed answer is pending.
    assertThat(send(HttpRequest.newBuilder(uri("/quick"))).statusCode()).isEqualTo(200);
    assertThat(delayed.get().statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(delayed.get().body()).get("path").asString())
        .isEqualTo("/?delay=300ms");
  }

  @Test
  void servesHttp2WithPriorKnowledgeOnTheSamePort() throws Exception {
    try (H2cClient h2 = H2cClient.connect(new InetSocketAddress("127.0.0.1", echo.port()))) {
      H2cClient.Response response =
          h2.send(
              "POST",
              "example.com",
              "/h2?x=y",
              Map.of("x-test", "h2"),
              new byte[1000],
              Duration.ofSeconds(10));

      assertThat(response.status()).isEqualTo(200);
      JsonNode body = JSON.readTree(response.bodyText());
      assertThat(body.get("proto").asString()).isEqualTo("HTTP/2.0");
      assertThat(body.get("host").asString()).isEqualTo("example.com");
      assertThat(body.get("path").asString()).isEqualTo("/h2?x=y");
      assertThat(body.get("bodyLength").asLong()).isEqualTo(1000);
      assertThat(body.get("headers").get("X-Test").get(0).asString()).isEqualTo("h2");
      assertThat(body.get("headers").has("X-Http2-Stream-Id")).isFalse();
      // Several streams on one connection.
      assertThat(h2.get("example.com", "/second").status()).isEqualTo(200);
    }
  }

  @Test
  void keepsConnectionsAliveAndCountsThem() throws Exception {
    try (EchoServer own = EchoServer.start("own", new InetSocketAddress("127.0.0.1", 0));
        HttpClient one = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> response =
            one.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + own.port() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
      }
      assertThat(own.acceptedConnections()).isEqualTo(1);
    }
  }

  @Test
  void echoesWebSocketMessagesAtWs() throws Exception {
    Duration timeout = Duration.ofSeconds(10);
    try (WebSocketClient ws =
        WebSocketClient.connect(
            new InetSocketAddress("127.0.0.1", echo.port()), "/ws", Map.of(), timeout)) {
      ws.sendText("hello");
      WebSocketClient.Message text = ws.receive(timeout);
      ws.sendBinary(new byte[] {0, 1, 2, (byte) 255});
      WebSocketClient.Message binary = ws.receive(timeout);
      WebSocketClient.Closed closed = ws.closeHandshake(1000, timeout);

      assertThat(text.text()).isTrue();
      assertThat(text.asText()).isEqualTo("hello");
      assertThat(binary.text()).isFalse();
      assertThat(binary.data()).containsExactly(0, 1, 2, 255);
      assertThat(closed.status()).isEqualTo(1000);
    }
  }

  @Test
  void otherPathsAnswerAnUpgradeRequestWithJson() throws Exception {
    try {
      WebSocketClient.connect(
              new InetSocketAddress("127.0.0.1", echo.port()),
              "/not-ws",
              Map.of(),
              Duration.ofSeconds(10))
          .close();
      throw new AssertionError("the handshake should have been refused");
    } catch (WebSocketClient.HandshakeRefusedException e) {
      assertThat(e.status()).isEqualTo(200);
    }
  }

  @Test
  void canonicalisesHeaderNamesLikeGo() {
    assertThat(EchoReply.canonical("x-forwarded-for")).isEqualTo("X-Forwarded-For");
    assertThat(EchoReply.canonical("CONTENT-TYPE")).isEqualTo("Content-Type");
    assertThat(EchoReply.canonical("has space")).isEqualTo("has space");
  }

  @Test
  void parsesGoDurations() {
    assertThat(GoDuration.parseMillis("500ms")).isEqualTo(500);
    assertThat(GoDuration.parseMillis("1s")).isEqualTo(1000);
    assertThat(GoDuration.parseMillis("1m30s")).isEqualTo(90_000);
    assertThat(GoDuration.parseMillis("1.5s")).isEqualTo(1500);
  }

  @Test
  void parsesListenAddresses() {
    assertThat(EchoServer.parseAddress("127.0.0.1:3000"))
        .isEqualTo(new InetSocketAddress("127.0.0.1", 3000));
    assertThat(EchoServer.parseAddress(":3000").getPort()).isEqualTo(3000);
  }
}
