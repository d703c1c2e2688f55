package dev.archway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ErrorMessagesTest {

  @Test
  void namesEveryCauseOutermostFirst() {
    var refused = new ConnectException("Connection refused: /127.0.0.1:9");
    var wrapped = new KubernetesClientException("An error has occurred.", new IOException(refused));

    assertThat(ErrorMessages.withCauses(wrapped))
        .isEqualTo(
            "An error has occurred.: java.net.ConnectException: Connection refused: /127.0.0.1:9");
  }

  @Test
  void aCauseWithoutAMessageIsNamedByItsClass() {
    var wrapped = new IllegalStateException("start failed", new ConnectException());

    assertThat(ErrorMessages.withCauses(wrapped)).isEqualTo("start failed: ConnectException");
  }

  @Test
  void aMessageThatRepeatsTheOneBeforeIsLeftOut() {
    var inner = new IOException("disk full");
    var outer = new IllegalStateException("writing the cache: disk full", inner);

    assertThat(ErrorMessages.withCauses(outer)).isEqualTo("writing the cache: disk full");
  }
}
