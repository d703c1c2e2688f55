package dev.archway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.echo.EchoServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to {@code archway run}: readiness fails at once while traffic is still served for the
 * drain delay, then the process exits on its own.
 */
class GracefulShutdownIT {
  @TempDir Path dir;
  @TempDir Path logs;

  @Test
  void readinessFailsFirstThenTheProcessDrainsAndExits() throws Exception {
    try (EchoServer echo = EchoServer.start("web", new InetSocketAddress("127.0.0.1", 0))) {
      int port = ArchwayProcess.freePort();
      String admin = "127.0.0.1:" + ArchwayProcess.freePort();
      Files.writeString(
          dir.resolve("gateway.yaml"), StandaloneManifests.oneRoute(port, echo.port()));
      ArchwayProcess archway =
          ArchwayProcess.start(
                  logs.resolve("archway.log"),
                  "run",
                  "-f",
                  dir.toString(),
                  "--admin-address",
                  admin,
                  "--drain-delay",
                  "8s")
              .awaitReady(admin);
      HttpClient client = HttpClient.newHttpClient();
      HttpRequest readyz =
          HttpRequest.newBuilder(URI.create("http://" + admin + "/readyz")).build();
      HttpRequest traffic =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build();

      archway.signalTerm();
      await()
          .atMost(Duration.ofSeconds(6))
          .ignoreExceptions()
          .until(
              () ->
                  client.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 503);
      // Still serving while load balancers notice the failed readiness.
      assertThat(client.send(traffic, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
      await().atMost(Duration.ofSeconds(20)).until(() -> !archway.isAlive());
      assertThat(archway.output()).contains("shutting down");
    }
  }
}
