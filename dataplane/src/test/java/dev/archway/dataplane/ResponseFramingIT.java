package dev.archway.dataplane;

import static dev.archway.dataplane.E2e.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.echo.EchoServer;
import dev.archway.echo.H2cClient;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a response's head and the end of its body reach the client, through real sockets, from an
 * HTTP/1.1 upstream (one listener) and an h2c upstream (another), to HTTP/1.1 and HTTP/2 clients: a
 * small body that comes in the head's read (relayed with the head as one message), responses
 * without a body (HEAD, 204), and a head whose body comes a minute later (an event stream), which
 * must reach the client on its own.
 */
class ResponseFramingIT {
  private static EchoServer echo;
  private static DataPlane dataPlane;
  private static int http1Upstream;
  private static int h2cUpstream;

  @BeforeAll
  static void start() {
    echo = E2e.echo("infra-backend-v1");
    http1Upstream = E2e.freePort();
    h2cUpstream = E2e.freePort();
    dataPlane = E2e.dataPlane();
    assertThat(
            dataPlane
                .apply(
                    Ir.config(
                        "127.0.0.1",
                        List.of(
                            Ir.catchAll(http1Upstream, "http1"), Ir.catchAll(h2cUpstream, "h2c")),
                        List.of(
                            E2e.destination("http1", echo),
                            new Destination(
                                "h2c",
                                Destination.AppProtocol.H2C,
                                List.of(new Endpoint("127.0.0.1", echo.port()))))))
                .allBound())
        .isTrue();
  }

  @AfterAll
  static void stop() {
    dataPlane.close();
    echo.close();
  }

  private static int port(String upstream) {
    return upstream.equals("h2c") ? h2cUpstream : http1Upstream;
  }

  /** One keep-alive connection: each response must end exactly where its framing says. */
  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void framesSmallAndBodilessResponsesOverHttp1(String upstream) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port(upstream))) {
      socket.setSoTimeout(10_000);
      Http1Response small = exchange(socket, "GET", "/small");
      Http1Response head = exchange(socket, "HEAD", "/small");
      Http1Response noContent = exchange(socket, "GET", "/status/204");
      Http1Response after = exchange(socket, "GET", "/after");

      assertThat(small.status()).isEqualTo(200);
      assertThat(json(small.body()).get("path").asString()).isEqualTo("/small");
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-length")).isNotNull();
      assertThat(head.body()).isEmpty();
      assertThat(noContent.status()).isEqualTo(204);
      assertThat(noContent.body()).isEmpty();
      assertThat(after.status()).isEqualTo(200);
      assertThat(json(after.body()).get("path").asString()).isEqualTo("/after");
    }
  }

  /**
   * The echo server's HTTP/2 side answers HEAD with its body, as a careless upstream might: over
   * the h2c upstream the client must get none all the same.
   */
  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void framesSmallAndBodilessResponsesOverHttp2(String upstream) throws Exception {
    try (H2cClient h2 = H2cClient.connect(new InetSocketAddress("127.0.0.1", port(upstream)))) {
      H2cClient.Response small = h2.get("h", "/small");
      H2cClient.Response head =
          h2.send("HEAD", "h", "/small", Map.of(), new byte[0], Duration.ofSeconds(10));
      H2cClient.Response noContent = h2.get("h", "/status/204");

      assertThat(small.status()).isEqualTo(200);
      assertThat(json(small.bodyText()).get("path").asString()).isEqualTo("/small");
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      assertThat(noContent.status()).isEqualTo(204);
      assertThat(noContent.body()).isEmpty();
    }
  }

  /** The body is a minute away: a head held back for it would not arrive within the timeout. */
  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void sendsAHeadBeforeABodyThatComesLaterOverHttp1(String upstream) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port(upstream))) {
      socket.setSoTimeout(10_000);
      send(socket, "GET", "/events?bodyDelay=60s");

      String head = RawHttp.readHead(socket.getInputStream());

      assertThat(head).startsWith("HTTP/1.1 200 ");
      assertThat(head.toLowerCase(Locale.ROOT)).contains("transfer-encoding: chunked");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void sendsAHeadBeforeABodyThatComesLaterOverHttp2(String upstream) throws Exception {
    try (H2cClient h2 = H2cClient.connect(new InetSocketAddress("127.0.0.1", port(upstream)))) {
      H2cClient.Response head =
          h2.responseHead("h", "/events?bodyDelay=60s", Duration.ofSeconds(10));

      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-type")).isEqualTo("application/json");
    }
  }

  private record Http1Response(int status, String head, String body) {
    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  private static void send(Socket socket, String method, String path) throws IOException {
    socket
        .getOutputStream()
        .write(
            (method + " " + path + " HTTP/1.1\r\nHost: h\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends a request and reads its response, the body by Content-Length (none for HEAD, 204). */
  private static Http1Response exchange(Socket socket, String method, String path)
      throws IOException {
    send(socket, method, path);
    InputStream in = socket.getInputStream();
    String head = RawHttp.readHead(in);
    assertThat(head).as(method + " " + path).isNotNull();
    int status = Integer.parseInt(head.substring(9, 12));
    Http1Response response = new Http1Response(status, head, "");
    String length = response.header("content-length");
    if (method.equals("HEAD") || status == 204 || length == null) {
      return response;
    }
    byte[] body = in.readNBytes(Integer.parseInt(length));
    return new Http1Response(status, head, new String(body, StandardCharsets.UTF_8));
  }
}
