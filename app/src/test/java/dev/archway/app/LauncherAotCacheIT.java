package dev.archway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.archway.echo.EchoServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./archway} launcher's opt-in start-up cache ({@code ARCHWAY_AOT_CACHE}): a serving run
 * writes it when it exits, later commands load their classes from it, and a cache older than the
 * jar or recorded by another JDK is not used. Runs the launcher script itself, on the jar the build
 * just made.
 */
class LauncherAotCacheIT {
  @TempDir Path dir;

  @Test
  void aServingRunWritesTheCacheThatLaterCommandsStartFrom() throws Exception {
    assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs JDK 25");
    Path cache = dir.resolve("archway.aot");
    int port = ArchwayProcess.freePort();
    String admin = "127.0.0.1:" + ArchwayProcess.freePort();
    try (EchoServer echo = EchoServer.start("aot", new InetSocketAddress("127.0.0.1", 0))) {
      Path config = Files.createDirectory(dir.resolve("config"));
      Files.writeString(
          config.resolve("gateway.yaml"), StandaloneManifests.oneRoute(port, echo.port()));
      Path log = dir.resolve("run.log");
      Process run = launch(cache, log, "run", "-f", config.toString(), "--admin-address", admin);
      try (ArchwayProcess archway = ArchwayProcess.adopt(run, log)) {
        archway.awaitReady(admin);
        HttpResponse<String> response =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/a")).build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).contains("aot");
        archway.stop(); // SIGTERM, as Ctrl-C or an orchestrator ends a run
        assertThat(cache).as(archway.output()).isNotEmptyFile();
      }
    }
    FileTime written = Files.getLastModifiedTime(cache);

    String used = version(cache, "used.log");
    assertThat(used).contains("dev.archway.app.Main source: shared objects file");
    assertThat(Files.getLastModifiedTime(cache)).isEqualTo(written);

    // A cache made by another JDK (its FILE.jdk says so) is left out.
    Path jdk = Path.of(cache + ".jdk");
    String recordedBy = Files.readString(jdk);
    assertThat(recordedBy).as("the JDK that recorded the cache").isNotBlank();
    Files.writeString(jdk, "/some/other/jdk 25.0.0+1\n");
    assertLoadedWithoutCache(version(cache, "other-jdk.log"));
    Files.writeString(jdk, recordedBy);

    // A cache older than the jar belongs to another build: the launcher leaves it out.
    Files.setLastModifiedTime(
        cache,
        FileTime.fromMillis(Files.getLastModifiedTime(ArchwayProcess.jar()).toMillis() - 60_000));
    assertLoadedWithoutCache(version(cache, "stale.log"));
  }

  /** Archway's main class was loaded (and logged), from the jar rather than from a cache. */
  private static void assertLoadedWithoutCache(String output) {
    assertThat(output)
        .contains("dev.archway.app.Main source: ")
        .doesNotContain("dev.archway.app.Main source: shared objects file");
  }

  /** {@code archway version} through the launcher, with class loading logged. */
  private String version(Path cache, String logName) throws Exception {
    Path log = dir.resolve(logName);
    Process process = launch(cache, log, "version");
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  /**
   * Starts the launcher script of this checkout (the jar is app/target/archway.jar under it) with
   * the cache and class-load logging; output goes to {@code log}.
   */
  private static Process launch(Path cache, Path log, String... args) throws IOException {
    Path root = ArchwayProcess.jar().toAbsolutePath().getParent().getParent().getParent();
    List<String> command = new ArrayList<>(List.of(root.resolve("archway").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("ARCHWAY_AOT_CACHE", cache.toString());
    builder.environment().put("ARCHWAY_JAVA_OPTS", "-Xlog:class+load=info");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }
}
