package dev.archway.app.kubernetes;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An echo backend on the project's test host (the network namespace {@code hack/test-net/up.sh}
 * makes), for EndpointSlices: the API server refuses loopback addresses there, and tests may only
 * send traffic to loopback or to test hosts of their own. It runs as a separate JVM inside the
 * namespace, from this test's class path.
 */
final class NetnsEcho implements AutoCloseable {
  /** The test host's address, as {@code hack/test-net/up.sh} configures it. */
  static final String ADDRESS = "10.213.0.2";

  private static final String NAMESPACE = "archway-test-hosts";

  /** Ports inside the namespace are all free; a counter keeps concurrent backends apart. */
  private static final AtomicInteger NEXT_PORT =
      new AtomicInteger(20000 + (int) (ProcessHandle.current().pid() % 1000) * 10);

  private final Process process;
  private final int port;

  private NetnsEcho(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts a backend that answers with {@code name} as its pod name, and waits until it serves. */
  static NetnsEcho start(String name) throws IOException {
    int port = NEXT_PORT.getAndIncrement();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                NAMESPACE,
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.archway.echo.EchoServer",
                "--name",
                name,
                "--listen",
                ADDRESS + ":" + port)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    NetnsEcho echo = new NetnsEcho(process, port);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException("echo " + name + " exited: is hack/test-net up?");
              }
              try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(ADDRESS, port), 500);
                return true;
              } catch (IOException e) {
                return false;
              }
            });
    return echo;
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
