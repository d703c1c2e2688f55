package dev.archway.dataplane;

import static dev.archway.dataplane.E2e.json;
import static dev.archway.dataplane.E2e.request;
import static dev.archway.dataplane.E2e.send;
import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.route;
import static dev.archway.dataplane.Ir.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.echo.EchoServer;
import dev.archway.echo.H2cClient;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Large bodies in both directions and the weighted split, through real sockets. */
class ProxyStreamingIT {
  private static final int BIG = 8 * 1024 * 1024;
  private static EchoServer v1;
  private static EchoServer v2;
  private static EchoServer v3;
  private static DataPlane dataPlane;
  private static HttpClient client;
  private static int port;

  @BeforeAll
  static void start() {
    v1 = E2e.echo("infra-backend-v1");
    v2 = E2e.echo("infra-backend-v2");
    v3 = E2e.echo("infra-backend-v3");
    port = E2e.freePort();
    dataPlane = E2e.dataPlane();
    assertThat(
            dataPlane
                .apply(
                    Ir.config(
                        "127.0.0.1",
                        List.of(
                            Ir.listener(
                                port,
                                vhost(
                                    "gateway/default/gw/listener/http",
                                    "*",
                                    route(
                                        "weighted",
                                        "*",
                                        prefix("/weighted"),
                                        backend("v1", 3),
                                        backend("v2", 1),
                                        backend("v3", 0)),
                                    route("all", "*", prefix("/"), backend("v1", 1))))),
                        List.of(
                            E2e.destination("v1", v1),
                            E2e.destination("v2", v2),
                            E2e.destination("v3", v3))))
                .allBound())
        .isTrue();
    client = E2e.http1();
  }

  @AfterAll
  static void stop() {
    client.close();
    dataPlane.close();
    v1.close();
    v2.close();
    v3.close();
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(7).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static void assertPattern(byte[] body, int size) {
    assertThat(body).hasSize(size);
    for (int i = 0; i < size; i++) {
      if ((body[i] & 0xff) != i % 251) {
        throw new AssertionError("byte " + i + " is " + (body[i] & 0xff));
      }
    }
  }

  @Test
  void streamsALargeRequestBodyOverHttp1() throws Exception {
    byte[] payload = randomBytes(BIG);
    // Chunked (no Content-Length) on the way in, to exercise re-framing as well.
    HttpResponse<String> response =
        send(
            client,
            request(port, "h", "/upload")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(payload))));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode echo = json(response.body());
    assertThat(echo.get("bodyLength").asLong()).isEqualTo(BIG);
    assertThat(echo.get("bodySha256").asString()).isEqualTo(sha256(payload));
  }

  @Test
  void streamsALargeResponseBodyOverHttp1() throws Exception {
    HttpResponse<InputStream> response =
        client.send(
            request(port, "h", "/bytes/" + BIG).build(), HttpResponse.BodyHandlers.ofInputStream());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValueAsLong("content-length")).hasValue(BIG);
    try (InputStream body = response.body()) {
      assertPattern(body.readAllBytes(), BIG);
    }
  }

  @Test
  void streamsLargeBodiesOverHttp2() throws Exception {
    byte[] payload = randomBytes(BIG);
    try (H2cClient h2 = H2cClient.connect(new InetSocketAddress("127.0.0.1", port))) {
      H2cClient.Response upload =
          h2.send("POST", "h", "/upload", Map.of(), payload, Duration.ofSeconds(30));
      assertThat(upload.status()).isEqualTo(200);
      assertThat(json(upload.bodyText()).get("bodySha256").asString()).isEqualTo(sha256(payload));

      H2cClient.Response download =
          h2.send("GET", "h", "/bytes/" + BIG, Map.of(), new byte[0], Duration.ofSeconds(30));
      assertThat(download.status()).isEqualTo(200);
      assertPattern(download.body(), BIG);
    }
  }

  @Test
  void splitsTrafficByWeight() throws Exception {
    int total = 2000;
    Map<String, AtomicInteger> pods = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < total / 4; i++) {
                    HttpResponse<String> response = send(client, request(port, "h", "/weighted"));
                    assertThat(response.statusCode()).isEqualTo(200);
                    String pod = json(response.body()).get("pod").asString();
                    pods.computeIfAbsent(pod, p -> new AtomicInteger()).incrementAndGet();
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(pods).doesNotContainKey("infra-backend-v3");
    double v1Share = pods.get("infra-backend-v1").get() / (double) total;
    assertThat(v1Share).isBetween(0.70, 0.80);
    assertThat(pods.get("infra-backend-v1").get() + pods.get("infra-backend-v2").get())
        .isEqualTo(total);
  }
}
