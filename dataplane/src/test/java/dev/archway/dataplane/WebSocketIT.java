package dev.archway.dataplane;

import static dev.archway.dataplane.E2e.json;
import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.route;
import static dev.archway.dataplane.Ir.vhost;
import static dev.archway.dataplane.Ir.withHeader;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.echo.EchoServer;
import dev.archway.echo.WebSocketClient;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** WebSocket through the gateway: upgrade, byte tunnel, close handshake, a pool left clean. */
class WebSocketIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static EchoServer echo;
  private static DataPlane dataPlane;
  private static InetSocketAddress gateway;

  @BeforeAll
  static void start() {
    echo = E2e.echo("infra-backend-v1");
    int port = E2e.freePort();
    dataPlane = E2e.dataPlane();
    assertThat(
            dataPlane
                .apply(
                    Ir.config(
                        Ir.listener(
                            port,
                            vhost(
                                "v",
                                "*",
                                route(
                                    "ws-marked",
                                    "*",
                                    withHeader(prefix("/"), "x-destination", "ws"),
                                    backend("ws", 1)),
                                route(
                                    "h2c",
                                    "*",
                                    withHeader(prefix("/"), "x-destination", "h2c"),
                                    backend("h2c", 1)),
                                route("plain", "*", prefix("/"), backend("http", 1)))),
                        destination("http", Destination.AppProtocol.HTTP1),
                        destination("ws", Destination.AppProtocol.WEBSOCKET),
                        destination("h2c", Destination.AppProtocol.H2C)))
                .allBound())
        .isTrue();
    gateway = new InetSocketAddress("127.0.0.1", port);
  }

  private static Destination destination(String name, Destination.AppProtocol protocol) {
    return new Destination(name, protocol, List.of(new Endpoint("127.0.0.1", echo.port())));
  }

  @AfterAll
  static void stop() {
    dataPlane.close();
    echo.close();
  }

  @Test
  void echoesTextAndBinaryMessagesAndClosesCleanly() throws Exception {
    try (WebSocketClient ws = WebSocketClient.connect(gateway, "/ws", Map.of(), TIMEOUT)) {
      ws.sendText("hello through the gateway");
      WebSocketClient.Message text = ws.receive(TIMEOUT);
      ws.sendBinary(new byte[] {0, 1, 2, (byte) 0xff});
      WebSocketClient.Message binary = ws.receive(TIMEOUT);
      WebSocketClient.Closed closed = ws.closeHandshake(1000, TIMEOUT);

      assertThat(text.text()).isTrue();
      assertThat(text.asText()).isEqualTo("hello through the gateway");
      assertThat(binary.text()).isFalse();
      assertThat(binary.data()).containsExactly(0, 1, 2, 0xff);
      assertThat(closed.status()).isEqualTo(1000);
    }
  }

  @Test
  void carriesALargeMessageBothWays() throws Exception {
    byte[] big = new byte[1024 * 1024];
    new Random(11).nextBytes(big);
    try (WebSocketClient ws = WebSocketClient.connect(gateway, "/ws", Map.of(), TIMEOUT)) {
      ws.sendBinary(big);
      ws.sendText("after");

      assertThat(ws.receive(TIMEOUT).data()).isEqualTo(big);
      assertThat(ws.receive(TIMEOUT).asText()).isEqualTo("after");
    }
  }

  @Test
  void upgradesOnEveryKindOfDestination() throws Exception {
    for (String destination : List.of("ws", "h2c")) {
      try (WebSocketClient ws =
          WebSocketClient.connect(gateway, "/ws", Map.of("x-destination", destination), TIMEOUT)) {
        ws.sendText(destination);

        assertThat(ws.receive(TIMEOUT).asText()).isEqualTo(destination);
      }
    }
  }

  @Test
  void theBackendClosingEndsTheClientConnection() throws Exception {
    try (WebSocketClient ws = WebSocketClient.connect(gateway, "/ws", Map.of(), TIMEOUT)) {
      ws.sendText("before");
      assertThat(ws.receive(TIMEOUT).asText()).isEqualTo("before");
      // The echo answers a close frame with its own and closes its end; the gateway then closes
      // the client's.
      assertThat(ws.closeHandshake(1001, TIMEOUT).status()).isEqualTo(1001);
      assertThat(ws.awaitClosed(TIMEOUT)).isTrue();
    }
  }

  @Test
  void aRefusedUpgradeIsAnOrdinaryResponseAndTheConnectionGoesOn() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(gateway, 5000);
      socket.setSoTimeout(10_000);
      String upgrade =
          "GET /not-ws HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
      String plain = "GET /after HTTP/1.1\r\nHost: gw\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(upgrade.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      Response refused = readResponse(socket.getInputStream());
      out.write(plain.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      Response after = readResponse(socket.getInputStream());

      assertThat(refused.status()).isEqualTo(200);
      JsonNode seen = json(refused.body()).get("headers");
      assertThat(seen.get("Upgrade").get(0).asString()).isEqualTo("websocket");
      assertThat(seen.get("Connection").get(0).asString()).isEqualToIgnoringCase("upgrade");
      assertThat(seen.get("Sec-Websocket-Key").get(0).asString())
          .isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
      assertThat(after.status()).isEqualTo(200);
      assertThat(json(after.body()).get("path").asString()).isEqualTo("/after");
      assertThat(json(after.body()).get("headers").has("Upgrade")).isFalse();
    }
  }

  @Test
  void tunnelsNeverGoBackToThePool() throws Exception {
    // Several rounds, so that connections land on each of the gateway's event loops: a tunnel
    // left in a loop's pool would be handed to the next request there, which would then fail.
    for (int i = 0; i < 4; i++) {
      try (WebSocketClient ws = WebSocketClient.connect(gateway, "/ws", Map.of(), TIMEOUT)) {
        ws.sendText("round " + i);
        assertThat(ws.receive(TIMEOUT).asText()).isEqualTo("round " + i);
      }
    }
    for (int i = 0; i < 8; i++) {
      Response response = plainRequest("/after-ws/" + i);

      assertThat(response.status()).isEqualTo(200);
      assertThat(json(response.body()).get("path").asString()).isEqualTo("/after-ws/" + i);
    }
  }

  private static Response plainRequest(String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(gateway, 5000);
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      return readResponse(socket.getInputStream());
    }
  }

  record Response(int status, String body) {}

  /** Reads one response framed by Content-Length. */
  private static Response readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in a response head: " + head);
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return new Response(
        Integer.parseInt(text.substring(9, 12)), new String(body, StandardCharsets.UTF_8));
  }
}
