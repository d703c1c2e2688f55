package dev.archway.dataplane;

import static dev.archway.dataplane.E2e.json;
import static dev.archway.dataplane.E2e.request;
import static dev.archway.dataplane.E2e.send;
import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.exact;
import static dev.archway.dataplane.Ir.fullPath;
import static dev.archway.dataplane.Ir.header;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.prefixPath;
import static dev.archway.dataplane.Ir.route;
import static dev.archway.dataplane.Ir.vhost;
import static dev.archway.dataplane.Ir.withHeader;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.echo.EchoServer;
import dev.archway.echo.H2cClient;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.HttpFilter;
import dev.archway.ir.HttpListener;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Routing, filters, local answers and forwarding headers, through real sockets. */
class ProxyRoutingIT {
  private static final String V1 = "service/default/v1/80";
  private static final String V2 = "service/default/v2/80";
  private static EchoServer v1;
  private static EchoServer v2;
  private static DataPlane dataPlane;
  private static HttpClient client;
  private static int port;

  @BeforeAll
  static void start() {
    v1 = E2e.echo("infra-backend-v1");
    v2 = E2e.echo("infra-backend-v2");
    port = E2e.freePort();
    dataPlane = E2e.dataPlane();
    ApplyResult result = dataPlane.apply(config());
    assertThat(result.allBound()).as(result.toString()).isTrue();
    client = E2e.http1();
  }

  @AfterAll
  static void stop() {
    client.close();
    dataPlane.close();
    v1.close();
    v2.close();
  }

  private static DataPlaneConfig config() {
    int closedPort = E2e.freePort();
    HttpFilter requestHeaders =
        new HttpFilter.RequestHeaderModifier(
            List.of(header("X-Set", "one")), List.of(header("X-Add", "two")), List.of("X-Remove"));
    HttpFilter responseHeaders =
        new HttpFilter.ResponseHeaderModifier(
            List.of(header("X-Resp", "three")),
            List.of(header("X-Resp-Add", "four")),
            List.of("X-Drop"));
    HttpListener listener =
        Ir.listener(
            port,
            vhost(
                "gateway/default/gw/listener/isolated",
                "isolated.example.com",
                route("isolated", "isolated.example.com", prefix("/only"), backend(V2, 1))),
            vhost(
                "gateway/default/gw/listener/http",
                "*",
                route("exact-host", "foo.example.com", exact("/exact"), backend(V1, 1)),
                route("any-host", "*", exact("/exact"), backend(V2, 1)),
                route(
                    "headers",
                    "*",
                    prefix("/headers"),
                    List.of(requestHeaders, responseHeaders),
                    backend(V1, 1)),
                route(
                    "rewrite-prefix",
                    "*",
                    prefix("/prefix/one"),
                    List.of(
                        new HttpFilter.UrlRewrite(
                            "rewritten.example.com", prefixPath("/prefix/one", "/one"))),
                    backend(V1, 1)),
                route(
                    "strip-prefix",
                    "*",
                    prefix("/strip-prefix"),
                    List.of(new HttpFilter.UrlRewrite(null, prefixPath("/strip-prefix", "/"))),
                    backend(V1, 1)),
                route(
                    "full-path",
                    "*",
                    exact("/full"),
                    List.of(new HttpFilter.UrlRewrite(null, fullPath("/replaced"))),
                    backend(V1, 1)),
                route(
                    "redirect-default",
                    "*",
                    prefix("/redirect/default"),
                    List.of(new HttpFilter.RequestRedirect(null, null, null, null, 302))),
                route(
                    "redirect-https",
                    "*",
                    prefix("/redirect/https"),
                    List.of(new HttpFilter.RequestRedirect("https", null, null, null, 302))),
                route(
                    "redirect-host-port",
                    "*",
                    prefix("/redirect/port"),
                    List.of(
                        new HttpFilter.RequestRedirect(
                            null, "example.org", 8080, fullPath("/moved"), 307))),
                route(
                    "redirect-prefix",
                    "*",
                    prefix("/original-prefix"),
                    List.of(
                        new HttpFilter.RequestRedirect(
                            null,
                            null,
                            null,
                            prefixPath("/original-prefix", "/replacement-prefix"),
                            301))),
                route("invalid-backend", "*", prefix("/invalid"), backend(null, 1)),
                route("no-backends", "*", prefix("/nobackends")),
                route(
                    "no-endpoints", "*", prefix("/empty"), backend("service/default/empty/80", 1)),
                route("refused", "*", prefix("/refused"), backend("service/default/closed/80", 1)),
                route(
                    "backend-filter",
                    "*",
                    prefix("/backendfilter"),
                    backend(
                        V2,
                        1,
                        new HttpFilter.RequestHeaderModifier(
                            List.of(header("X-Backend", "v2")), null, null))),
                route(
                    "by-header",
                    "*",
                    withHeader(prefix("/"), "X-Route", "special"),
                    backend(V2, 1)),
                route("catch-all", "*", prefix("/"), backend(V1, 1))));
    return Ir.config(
        "127.0.0.1",
        List.of(listener),
        List.of(
            E2e.destination("service/default/empty/80"),
            new Destination(
                "service/default/closed/80",
                null,
                List.of(new dev.archway.ir.Endpoint("127.0.0.1", closedPort))),
            E2e.destination(V1, v1),
            E2e.destination(V2, v2)));
  }

  private static JsonNode echoed(String host, String path, String... headers) {
    var builder = request(port, host, path);
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> response = send(client, builder);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response.body());
  }

  @Test
  void theMostSpecificRouteHostnameWins() {
    assertThat(echoed("foo.example.com", "/exact").get("pod").asString())
        .isEqualTo("infra-backend-v1");
    assertThat(echoed("bar.example.com", "/exact").get("pod").asString())
        .isEqualTo("infra-backend-v2");
  }

  @Test
  void routesOnHeaders() {
    assertThat(echoed("h", "/x", "X-Route", "special").get("pod").asString())
        .isEqualTo("infra-backend-v2");
    assertThat(echoed("h", "/x").get("pod").asString()).isEqualTo("infra-backend-v1");
  }

  @Test
  void onlyTheMatchingListenerServesItsHost() {
    assertThat(echoed("isolated.example.com", "/only/a").get("pod").asString())
        .isEqualTo("infra-backend-v2");
    HttpResponse<String> response = send(client, request(port, "isolated.example.com", "/other"));
    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void forwardsHostPathAndForwardedHeaders() {
    JsonNode echo =
        echoed("Example.com:" + port, "/some/./path//x?b=2&a=1", "X-Forwarded-For", "10.1.1.1");

    assertThat(echo.get("host").asString()).isEqualTo("Example.com:" + port);
    assertThat(echo.get("path").asString()).isEqualTo("/some/path/x?b=2&a=1");
    assertThat(echo.get("proto").asString()).isEqualTo("HTTP/1.1");
    JsonNode headers = echo.get("headers");
    assertThat(headers.get("X-Forwarded-For").get(0).asString()).isEqualTo("10.1.1.1, 127.0.0.1");
    assertThat(headers.get("X-Forwarded-Proto").get(0).asString()).isEqualTo("http");
  }

  @Test
  void appliesRequestAndResponseHeaderModifiers() {
    HttpResponse<String> response =
        send(
            client,
            request(port, "h", "/headers")
                .header("X-Set", "zero")
                .header("X-Add", "one")
                .header("X-Remove", "gone")
                .header("X-Echo-Set-Header", "X-Drop:bye,X-Kept:yes"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode headers = json(response.body()).get("headers");
    assertThat(headers.get("X-Set").toString()).isEqualTo("[\"one\"]");
    assertThat(headers.get("X-Add").toString()).isEqualTo("[\"one\",\"two\"]");
    assertThat(headers.has("X-Remove")).isFalse();
    assertThat(response.headers().firstValue("x-resp")).hasValue("three");
    assertThat(response.headers().firstValue("x-resp-add")).hasValue("four");
    assertThat(response.headers().firstValue("x-drop")).isEmpty();
    assertThat(response.headers().firstValue("x-kept")).hasValue("yes");
  }

  @Test
  void appliesBackendFiltersOnlyForThatBackend() {
    JsonNode echo = echoed("h", "/backendfilter");
    assertThat(echo.get("headers").get("X-Backend").get(0).asString()).isEqualTo("v2");
    assertThat(echoed("h", "/other").get("headers").has("X-Backend")).isFalse();
  }

  @Test
  void rewritesHostAndPath() {
    JsonNode prefixed = echoed("h", "/prefix/one/two?q=1");
    assertThat(prefixed.get("path").asString()).isEqualTo("/one/two?q=1");
    assertThat(prefixed.get("host").asString()).isEqualTo("rewritten.example.com");
    assertThat(echoed("h", "/strip-prefix/three").get("path").asString()).isEqualTo("/three");
    assertThat(echoed("h", "/strip-prefix").get("path").asString()).isEqualTo("/");
    assertThat(echoed("h", "/full?x=1").get("path").asString()).isEqualTo("/replaced?x=1");
  }

  @Test
  void redirectsWithTheListenerPortRule() {
    assertRedirect(
        "/redirect/default/a?x=1",
        302,
        "http://redirect.example.com:" + port + "/redirect/default/a?x=1");
    assertRedirect("/redirect/https", 302, "https://redirect.example.com/redirect/https");
    assertRedirect("/redirect/port/a", 307, "http://example.org:8080/moved");
    assertRedirect(
        "/original-prefix/lemon",
        301,
        "http://redirect.example.com:" + port + "/replacement-prefix/lemon");
  }

  private void assertRedirect(String path, int status, String location) {
    HttpResponse<String> response =
        send(client, request(port, "redirect.example.com:" + port, path));
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("location")).hasValue(location);
  }

  @Test
  void answersErrorsForBrokenBackends() {
    assertThat(send(client, request(port, "h", "/invalid")).statusCode()).isEqualTo(500);
    assertThat(send(client, request(port, "h", "/nobackends")).statusCode()).isEqualTo(500);
    assertThat(send(client, request(port, "h", "/empty")).statusCode()).isEqualTo(503);
    assertThat(send(client, request(port, "h", "/refused")).statusCode()).isEqualTo(502);
    // The connection survives local answers.
    assertThat(echoed("h", "/after-errors").get("pod").asString()).isEqualTo("infra-backend-v1");
  }

  @Test
  void reusesUpstreamConnections() {
    int before = v1.acceptedConnections();
    for (int i = 0; i < 20; i++) {
      echoed("h", "/reuse/" + i);
    }
    // One client connection stays on one event loop, which keeps at most one idle connection
    // to v1 between sequential requests.
    assertThat(v1.acceptedConnections() - before).isLessThanOrEqualTo(1);
  }

  @Test
  void keepsClientConnectionsAliveAndAnswersPipelinedRequestsInOrder() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      String requests =
          "GET /first HTTP/1.1\r\nHost: h\r\n\r\n"
              + "GET /nobackends HTTP/1.1\r\nHost: h\r\n\r\n"
              + "GET /second HTTP/1.1\r\nHost: h\r\n\r\n";
      socket.getOutputStream().write(requests.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());

      assertThat(json(readResponse(in, 200)).get("path").asString()).isEqualTo("/first");
      readResponse(in, 500);
      assertThat(json(readResponse(in, 200)).get("path").asString()).isEqualTo("/second");
    }
  }

  /** Reads one Content-Length framed HTTP/1.1 response and returns its body. */
  private static String readResponse(java.io.DataInputStream in, int expectedStatus)
      throws java.io.IOException {
    String statusLine = readLine(in);
    assertThat(statusLine).startsWith("HTTP/1.1 " + expectedStatus);
    int length = 0;
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
      assertThat(line.toLowerCase(java.util.Locale.ROOT)).isNotEqualTo("connection: close");
    }
    byte[] body = new byte[length];
    in.readFully(body);
    return new String(body, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String readLine(java.io.DataInputStream in) throws java.io.IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new java.io.EOFException("connection closed after: " + line);
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Test
  void servesHttp2WithPriorKnowledge() throws Exception {
    try (H2cClient h2 = H2cClient.connect(new InetSocketAddress("127.0.0.1", port))) {
      H2cClient.Response exact = h2.get("foo.example.com", "/exact");
      assertThat(exact.status()).as(exact.bodyText()).isEqualTo(200);
      JsonNode echo = json(exact.bodyText());
      assertThat(echo.get("pod").asString()).isEqualTo("infra-backend-v1");
      assertThat(echo.get("host").asString()).isEqualTo("foo.example.com");
      assertThat(echo.get("headers").has("X-Http2-Stream-Id")).isFalse();

      H2cClient.Response post =
          h2.send(
              "POST",
              "h",
              "/post",
              Map.of("x-test", "1"),
              new byte[100_000],
              Duration.ofSeconds(10));
      assertThat(json(post.bodyText()).get("bodyLength").asLong()).isEqualTo(100_000);

      assertThat(h2.get("isolated.example.com", "/other").status()).isEqualTo(404);
      H2cClient.Response redirect = h2.get("r.example.com", "/redirect/https");
      assertThat(redirect.status()).isEqualTo(302);
      assertThat(redirect.header("location")).isEqualTo("https://r.example.com/redirect/https");
    }
  }
}
