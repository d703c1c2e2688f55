package dev.archway.app;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code archway} jar, started as a separate process the way a user starts it, with its
 * output captured to a file for assertions.
 */
final class ArchwayProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ArchwayProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** The jar failsafe built; see the failsafe configuration in app/pom.xml. */
  static Path jar() {
    String jar = System.getProperty("archway.jar");
    if (jar == null) {
      throw new IllegalStateException("system property archway.jar is not set (run via failsafe)");
    }
    return Path.of(jar);
  }

  static List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    // The launcher turns Netty's leak detection off unless asked; the tests ask for it.
    command.add("-Dio.netty.leakDetection.level=simple");
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    return command;
  }

  /** Starts {@code archway args...}; output goes to {@code log}. */
  static ArchwayProcess start(Path log, String... args) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command(args));
    builder.redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    return new ArchwayProcess(builder.start(), log);
  }

  /**
   * Wraps a process started otherwise (e.g. through the launcher script) that writes to {@code
   * log}.
   */
  static ArchwayProcess adopt(Process process, Path log) {
    return new ArchwayProcess(process, log);
  }

  /** Runs {@code archway args...} to completion and returns its exit code and output. */
  static Result runToCompletion(Path workDir, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(workDir, "out", ".txt");
    Path err = Files.createTempFile(workDir, "err", ".txt");
    Process process =
        new ProcessBuilder(command(args))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("archway " + String.join(" ", args) + " did not finish");
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** A finished command. */
  record Result(int exitCode, String stdout, String stderr) {}

  /** Waits until {@code /readyz} on the admin address answers 200. */
  ArchwayProcess awaitReady(String adminAddress) {
    HttpClient client = HttpClient.newHttpClient();
    URI readyz = URI.create("http://" + adminAddress + "/readyz");
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError("archway exited early:\n" + output());
              }
              return client
                      .send(
                          HttpRequest.newBuilder(readyz).build(),
                          HttpResponse.BodyHandlers.discarding())
                      .statusCode()
                  == 200;
            });
    return this;
  }

  /** Everything the process printed so far. */
  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** Sends SIGTERM without waiting, as an orchestrator does before it waits for the exit. */
  void signalTerm() {
    process.destroy();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Sends SIGTERM and waits for the process to exit; returns its exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }

  /** A TCP port that was free a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
