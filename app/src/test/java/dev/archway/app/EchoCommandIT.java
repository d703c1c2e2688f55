package dev.archway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code archway echo} through the real jar, where it can fail: an address already in use. */
class EchoCommandIT {
  @TempDir Path dir;

  @Test
  void aPortInUseIsNamedInOneLineAndExitsWithOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();

      ArchwayProcess.Result result =
          ArchwayProcess.runToCompletion(dir, "echo", "--server", "coffee=127.0.0.1:" + port);

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.stderr())
          .startsWith("error: echo coffee cannot listen on 127.0.0.1:" + port + ": ")
          .doesNotContain("\tat ");
    }
  }
}
