package dev.archway.dataplane.edge;

import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.route;
import static dev.archway.dataplane.Ir.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.dataplane.DataPlane;
import dev.archway.dataplane.E2e;
import dev.archway.dataplane.Ir;
import dev.archway.dataplane.RawHttp;
import dev.archway.echo.EchoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request smuggling corpus (perf-reliability.md §6 and §7): each request has ambiguous or
 * malformed framing and carries a second request, {@code /smuggled}, hidden where a lenient parser
 * would find it. Each must be answered 400 (431/414 for the limits), the connection must close, and
 * the backend must never see the hidden request.
 */
class SmugglingIT {
  private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";
  private static EchoServer backend;
  private static DataPlane dataPlane;
  private static int port;

  @BeforeAll
  static void start() {
    backend = E2e.echo("smuggling-backend");
    port = E2e.freePort();
    dataPlane = E2e.dataPlane();
    dataPlane.apply(
        Ir.config(
            Ir.listener(port, vhost("v", "*", route("all", "*", prefix("/"), backend("b", 1)))),
            E2e.destination("b", backend)));
  }

  @AfterAll
  static void stop() {
    dataPlane.close();
    backend.close();
  }

  static Stream<Arguments> corpus() {
    List<Arguments> cases = new ArrayList<>();
    // Content-Length and Transfer-Encoding together (CL.TE / TE.CL).
    add(
        cases,
        400,
        "cl-te",
        "POST /case HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            + SMUGGLED);
    add(
        cases,
        400,
        "te-cl",
        "POST /case HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
            + "Content-Length: 40\r\n\r\n0\r\n\r\n"
            + SMUGGLED);
    add(
        cases,
        400,
        "te-uppercase-cl",
        "POST /case HTTP/1.1\r\nHost: a\r\n"
            + "Transfer-Encoding: CHUNKED\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"
            + SMUGGLED);
    // Content-Length ambiguity.
    add(
        cases,
        400,
        "cl-cl-differ",
        "POST /case HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n"
            + "Content-Length: 36\r\n\r\n"
            + SMUGGLED);
    add(
        cases,
        400,
        "cl-cl-same",
        "POST /case HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n"
            + "Content-Length: 0\r\n\r\n"
            + SMUGGLED);
    add(
        cases,
        400,
        "cl-list",
        "POST /case HTTP/1.1\r\nHost: a\r\nContent-Length: 0, 36\r\n\r\n" + SMUGGLED);
    add(
        cases,
        400,
        "cl-plus",
        "POST /case HTTP/1.1\r\nHost: a\r\nContent-Length: +0\r\n\r\n" + SMUGGLED);
    add(
        cases,
        400,
        "cl-negative",
        "POST /case HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n" + SMUGGLED);
    add(
        cases,
        400,
        "cl-garbage",
        "POST /case HTTP/1.1\r\nHost: a\r\nContent-Length: 0x\r\n\r\n" + SMUGGLED);
    // Transfer-Encoding variants.
    add(
        cases,
        400,
        "te-not-last",
        "POST /case HTTP/1.1\r\nHost: a\r\n"
            + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"
            + SMUGGLED);
    add(
        cases,
        400,
        "te-xchunked",
        "POST /case HTTP/1.1\r\nHost: a\r\n"
            + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"
            + SMUGGLED);
    add(
        cases,
        400,
        "te-identity",
        "POST /case HTTP/1.1\r\nHost: a\r\n" + "Transfer-Encoding: identity\r\n\r\n" + SMUGGLED);
    add(
        cases,
        400,
        "te-http10",
        "POST /case HTTP/1.0\r\nHost: a\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            + SMUGGLED);
    add(
        cases,
        400,
        "te-space-before-colon",
        "POST /case HTTP/1.1\r\nHost: a\r\n"
            + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"
            + SMUGGLED);
    add(
        cases,
        400,
        "te-tab-before-colon",
        "POST /case HTTP/1.1\r\nHost: a\r\n"
            + "Transfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n"
            + SMUGGLED);
    add(
        cases,
        400,
        "te-obs-fold",
        "POST /case HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n"
            + "X-Padding: a\r\n Transfer-Encoding: chunked\r\n\r\n"
            + SMUGGLED);
    add(
        cases,
        400,
        "obs-fold-tab",
        "GET /case HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n" + SMUGGLED);
    // Line endings and control characters.
    add(cases, 400, "bare-lf-request-line", "GET /case HTTP/1.1\nHost: a\r\n\r\n" + SMUGGLED);
    add(cases, 400, "bare-lf-header", "GET /case HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n" + SMUGGLED);
    add(
        cases,
        400,
        "bare-cr-header",
        "GET /case HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n" + SMUGGLED);
    add(
        cases,
        400,
        "nul-in-value",
        "GET /case HTTP/1.1\r\nHost: a\r\nX-A: b\0c\r\n\r\n" + SMUGGLED);
    add(
        cases,
        400,
        "control-in-name",
        "GET /case HTTP/1.1\r\nHost: a\r\nX\u0001A: b\r\n\r\n" + SMUGGLED);
    add(cases, 400, "space-in-name", "GET /case HTTP/1.1\r\nHost: a\r\nX A: b\r\n\r\n" + SMUGGLED);
    add(cases, 400, "no-colon", "GET /case HTTP/1.1\r\nHost: a\r\nNoColonHere\r\n\r\n" + SMUGGLED);
    // Chunked body framing.
    add(
        cases,
        400,
        "chunk-size-not-hex",
        "POST /case HTTP/1.1\r\nHost: a\r\n"
            + "Transfer-Encoding: chunked\r\n\r\nzz\r\n\r\n"
            + SMUGGLED);
    add(
        cases,
        400,
        "chunk-size-overflow",
        "POST /case HTTP/1.1\r\nHost: a\r\n"
            + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\nx\r\n0\r\n\r\n"
            + SMUGGLED);
    add(
        cases,
        400,
        "chunk-size-bare-lf",
        "POST /case HTTP/1.1\r\nHost: a\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n"
            + SMUGGLED);
    add(
        cases,
        400,
        "chunk-ext-open-quote",
        "POST /case HTTP/1.1\r\nHost: a\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n3;a=\"b\r\nabc\r\n0\r\n\r\n"
            + SMUGGLED);
    add(
        cases,
        400,
        "chunk-data-too-long",
        "POST /case HTTP/1.1\r\nHost: a\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n0\r\n\r\n"
            + SMUGGLED);
    // Host.
    add(
        cases,
        400,
        "host-duplicate",
        "GET /case HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + SMUGGLED);
    add(cases, 400, "host-missing", "GET /case HTTP/1.1\r\nX-A: b\r\n\r\n" + SMUGGLED);
    add(
        cases,
        400,
        "host-differs-from-absolute-form",
        "GET http://b/case HTTP/1.1\r\nHost: a\r\n\r\n" + SMUGGLED);
    // Limits.
    add(
        cases,
        431,
        "too-many-headers",
        "GET /case HTTP/1.1\r\nHost: a\r\n" + "X-H: v\r\n".repeat(101) + "\r\n" + SMUGGLED);
    add(
        cases,
        431,
        "headers-too-large",
        "GET /case HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(70 * 1024) + "\r\n\r\n" + SMUGGLED);
    add(
        cases,
        414,
        "request-line-too-long",
        "GET /case" + "a".repeat(9 * 1024) + " HTTP/1.1\r\nHost: a\r\n\r\n" + SMUGGLED);
    return cases.stream();
  }

  private static void add(List<Arguments> cases, int status, String name, String request) {
    cases.add(Arguments.of(name, status, request));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void rejectsAmbiguousFraming(String name, int status, String request) {
    RawHttp.Exchange exchange = RawHttp.send(port, request, 5000);

    assertThat(exchange.status()).as(exchange.text()).isEqualTo(status);
    assertThat(exchange.responses()).as("only one answer").isEqualTo(1);
    assertThat(exchange.closed()).as("connection closed").isTrue();
    assertThat(backend.requests()).noneMatch(r -> r.contains("/smuggled"));
  }

  @Test
  void corpusHasAtLeast25Cases() {
    assertThat(corpus().count()).isGreaterThanOrEqualTo(25);
  }

  @Test
  void wellFramedPipelinedRequestsStillWork() {
    RawHttp.Exchange exchange =
        RawHttp.send(
            port,
            "POST /ok1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                + "GET /ok2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
            5000);

    assertThat(exchange.responses()).as(exchange.text()).isEqualTo(2);
    assertThat(exchange.status()).isEqualTo(200);
    assertThat(exchange.closed()).isTrue();
    assertThat(backend.requests()).contains("POST /ok1", "GET /ok2");
  }
}
