package dev.archway.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.echo.EchoServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code archway run --busy-poll}, through the real jar: traffic is served as usual, and the one
 * event loop does not sleep while there is none (its thread keeps using CPU time).
 */
class BusyPollIT {
  @TempDir static Path dir;
  @TempDir static Path work;

  static EchoServer echo;
  static ArchwayProcess archway;
  static int port;

  @BeforeAll
  static void start() throws IOException {
    echo = EchoServer.start("busy", new InetSocketAddress("127.0.0.1", 0));
    port = ArchwayProcess.freePort();
    String admin = "127.0.0.1:" + ArchwayProcess.freePort();
    Files.writeString(dir.resolve("gateway.yaml"), StandaloneManifests.oneRoute(port, echo.port()));
    archway =
        ArchwayProcess.start(
                work.resolve("archway.log"),
                "run",
                "-f",
                dir.toString(),
                "--admin-address",
                admin,
                "--workers",
                "1",
                "--busy-poll")
            .awaitReady(admin);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (archway != null) {
      archway.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  @Test
  void servesTrafficWithAnEventLoopThatNeverSleeps() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/r/" + i)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("busy").contains("/r/" + i);
    }
    assertThat(archway.output()).contains("busy polling: 1 event loops never sleep");

    // Idle now: a sleeping event loop would use next to no CPU over two seconds; this one spins.
    Path worker = workerThread();
    long before = cpuTicks(worker);
    Thread.sleep(2000);
    long used = cpuTicks(worker) - before;
    assertThat(used).as("CPU ticks (1/100 s) of the idle event loop in 2 s").isGreaterThan(50);
  }

  /** The /proc entry of the event loop thread (named archway-worker-...). */
  private static Path workerThread() throws IOException {
    try (var threads = Files.list(Path.of("/proc", Long.toString(archway.pid()), "task"))) {
      return threads
          .filter(
              t -> {
                try {
                  return Files.readString(t.resolve("comm")).startsWith("archway-worker");
                } catch (IOException e) {
                  return false;
                }
              })
          .findFirst()
          .orElseThrow(() -> new AssertionError("no archway-worker thread"));
    }
  }

  /** User plus system time of a thread, in clock ticks (fields 14 and 15 of its stat). */
  private static long cpuTicks(Path thread) throws IOException {
    String stat = Files.readString(thread.resolve("stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
