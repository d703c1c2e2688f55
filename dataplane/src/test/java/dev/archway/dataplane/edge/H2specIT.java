package dev.archway.dataplane.edge;

import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.route;
import static dev.archway.dataplane.Ir.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.archway.dataplane.ApplyResult;
import dev.archway.dataplane.DataPlane;
import dev.archway.dataplane.E2e;
import dev.archway.dataplane.Ir;
import dev.archway.dataplane.tls.TestPki;
import dev.archway.echo.EchoServer;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.ServerTls;
import dev.archway.ir.VirtualHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs h2spec (HTTP/2 and HPACK conformance, github.com/summerwind/h2spec) against an h2c listener
 * and an HTTPS listener (h2 by ALPN), and requires every case to pass. The binary comes from {@code
 * -Dh2spec=PATH}, {@code $H2SPEC}, or {@code ${ARCHWAY_CACHE_DIR:-~/.cache/archway}/bin/h2spec}
 * where {@code dataplane/src/test/scripts/install-h2spec.sh} puts it; without it the test is
 * skipped.
 */
class H2specIT {
  @Test
  void h2cListenerPassesEveryCase() throws Exception {
    Path h2spec = locate();
    assumeTrue(
        h2spec != null,
        "h2spec not found: run dataplane/src/test/scripts/install-h2spec.sh or set H2SPEC");
    int port = E2e.freePort();
    try (EchoServer echo = E2e.echo("h2spec-backend");
        DataPlane dataPlane = E2e.dataPlane()) {
      dataPlane.apply(
          Ir.config(
              Ir.listener(port, vhost("v", "*", route("all", "*", prefix("/"), backend("b", 1)))),
              E2e.destination("b", echo)));
      runH2spec(h2spec, port, false);
    }
  }

  @Test
  void h2OverTlsListenerPassesEveryCase() throws Exception {
    Path h2spec = locate();
    assumeTrue(
        h2spec != null,
        "h2spec not found: run dataplane/src/test/scripts/install-h2spec.sh or set H2SPEC");
    TestPki ca = TestPki.ca("archway-h2spec-ca");
    TestPki.Issued cert = ca.issue(Duration.ofDays(30), "archway-h2spec", "localhost");
    int port = E2e.freePort();
    try (EchoServer echo = E2e.echo("h2spec-backend");
        DataPlane dataPlane = E2e.dataPlane()) {
      HttpListener listener =
          new HttpListener(
              "gateway/default/gw/port/" + port,
              port,
              List.of(
                  new VirtualHost(
                      "gateway/default/gw/listener/https",
                      "*",
                      List.of(route("all", "*", prefix("/"), backend("b", 1))),
                      new ServerTls(List.of(cert.ir("secret/default/h2spec")), null))),
              HttpListener.Protocol.HTTPS);
      ApplyResult result =
          dataPlane.apply(
              new DataPlaneConfig(
                  List.of(new GatewayIr("gateway/default/gw", "127.0.0.1", List.of(listener))),
                  List.of(E2e.destination("b", echo))));
      assertThat(result.allBound()).as(result.toString()).isTrue();
      // -t: TLS with ALPN h2; -k: the test CA is not in h2spec's trust store.
      runH2spec(h2spec, port, true);
    }
  }

  private static void runH2spec(Path h2spec, int port, boolean tls) throws Exception {
    Path log = Files.createTempFile("h2spec", ".log");
    List<String> command =
        new ArrayList<>(
            List.of(h2spec.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-o", "2"));
    if (tls) {
      command.addAll(List.of("-t", "-k"));
    }
    // -Dh2spec.args="http2/5.1 -v" runs a section verbosely when a case needs a closer look.
    String extra = System.getProperty("h2spec.args", "");
    if (!extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = process.waitFor(180, TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    List<String> summary = output.lines().filter(l -> l.contains("tests,")).toList();

    assertThat(finished).as("h2spec finished").isTrue();
    assertThat(summary).as(output).hasSize(1);
    assertThat(summary.get(0)).as(output).contains(" 0 failed");
    assertThat(process.exitValue()).as(output).isZero();
  }

  private static Path locate() throws IOException {
    String configured = System.getProperty("h2spec", System.getenv("H2SPEC"));
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String cache = System.getenv("ARCHWAY_CACHE_DIR");
    Path dir =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache", "archway");
    Path candidate = dir.resolve("bin").resolve("h2spec");
    return Files.isExecutable(candidate) ? candidate : null;
  }
}
