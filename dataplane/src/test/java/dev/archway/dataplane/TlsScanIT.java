package dev.archway.dataplane;

import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.archway.dataplane.tls.TestPki;
import dev.archway.echo.EchoServer;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.HttpListener;
import dev.archway.ir.ServerTls;
import dev.archway.ir.VirtualHost;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Scans an HTTPS listener with testssl.sh (Debian package {@code testssl.sh}) and fails on any
 * finding of severity HIGH or CRITICAL. Skipped, with a message, when testssl is not installed.
 *
 * <p>Not named Test*: Surefire would run it as a unit test too.
 *
 * <p>The certificate comes from a CA the scan is told to trust ({@code --add-ca}), so what is
 * judged is the listener's TLS configuration, not the test PKI.
 */
class TlsScanIT {
  private static final Duration SCAN_TIMEOUT = Duration.ofMinutes(8);

  @Test
  void httpsListenerHasNoHighOrCriticalFindings() throws Exception {
    String testssl = executable("testssl", "testssl.sh");
    assumeTrue(
        testssl != null,
        "testssl.sh is not installed (apt-get install -y testssl.sh): TLS scan skipped");
    TestPki ca = TestPki.ca("archway-testssl-ca");
    TestPki.Issued cert = ca.issue(Duration.ofDays(365), "archway-testssl", "localhost");
    Path dir = Files.createTempDirectory("testssl");
    Path caFile = Files.writeString(dir.resolve("ca.pem"), ca.pem());
    Path json = dir.resolve("findings.json");
    int port = E2e.freePort();
    try (EchoServer echo = E2e.echo("testssl-backend");
        DataPlane dataPlane = E2e.dataPlane()) {
      HttpListener listener =
          new HttpListener(
              "gateway/default/gw/port/" + port,
              port,
              List.of(
                  new VirtualHost(
                      "gateway/default/gw/listener/https",
                      "*",
                      List.of(
                          route(
                              "httproute/default/echo",
                              "*",
                              prefix("/"),
                              backend("service/default/echo/80", 1))),
                      new ServerTls(List.of(cert.ir("secret/default/testssl")), null))),
              HttpListener.Protocol.HTTPS);
      ApplyResult result =
          dataPlane.apply(
              new DataPlaneConfig(
                  List.of(
                      new dev.archway.ir.GatewayIr(
                          "gateway/default/gw", "127.0.0.1", List.of(listener))),
                  List.of(E2e.destination("service/default/echo/80", echo))));
      assertThat(result.allBound()).as(result.toString()).isTrue();

      List<String> command =
          new ArrayList<>(
              List.of(
                  testssl,
                  "--quiet",
                  // Everything but client simulation and the per-protocol cipher walk, which
                  // add minutes and judge nothing the other checks miss.
                  "--protocols",
                  "--std",
                  "--pfs",
                  "--server-preference",
                  "--server-defaults",
                  "--headers",
                  "--vulnerable",
                  "--color",
                  "0",
                  "--warnings",
                  "off",
                  "--nodns",
                  "none",
                  "--add-ca",
                  caFile.toString(),
                  "--severity",
                  "HIGH",
                  "--jsonfile",
                  json.toString(),
                  "127.0.0.1:" + port));
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("testssl.log").toFile())
              .start();
      if (!process.waitFor(SCAN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            "testssl did not finish within " + SCAN_TIMEOUT + ", log in " + dir);
      }
      List<String> findings = new ArrayList<>();
      for (JsonNode finding : E2e.json(Files.readString(json))) {
        String severity = finding.get("severity").asString();
        if (severity.equals("HIGH") || severity.equals("CRITICAL")) {
          findings.add(
              severity
                  + " "
                  + finding.get("id").asString()
                  + ": "
                  + finding.get("finding").asString());
        }
      }
      assertThat(findings).as("testssl findings (log in %s)", dir).isEmpty();
    }
  }

  private static String executable(String... names) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : names) {
        File file = new File(dir, name);
        if (file.canExecute()) {
          return file.getPath();
        }
      }
    }
    return null;
  }
}
