package dev.archway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.app.sync.CertificateAuthority;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener certificate that expires while Archway runs: its status turns to {@code
 * ResolvedRefs=False InvalidCertificateRef} at the expiry, through the real jar, with no file
 * changed (the certificate clock translates again).
 */
class CertificateExpiryIT {
  @TempDir Path dir;
  @TempDir Path work;

  @Test
  void anExpiringListenerCertificateIsReportedWhenItExpires() throws Exception {
    CertificateAuthority.Issued issued =
        CertificateAuthority.create("expiry-test", Clock.systemUTC())
            .issueServer(List.of("app.example.test"), Duration.ofSeconds(20));
    int port = ArchwayProcess.freePort();
    String admin = "127.0.0.1:" + ArchwayProcess.freePort();
    Files.writeString(
        dir.resolve("gateway.yaml"),
        StandaloneManifests.classAndTlsSecret(
                "short-lived",
                issued.certificatePem().getBytes(StandardCharsets.US_ASCII),
                issued.keyPem().getBytes(StandardCharsets.US_ASCII))
            + """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw}
        spec:
          gatewayClassName: archway
          listeners:
          - name: https
            protocol: HTTPS
            port: %d
            tls:
              mode: Terminate
              certificateRefs: [{name: short-lived}]
        """
                .formatted(port));
    try (ArchwayProcess archway =
        ArchwayProcess.start(
                work.resolve("archway.log"), "run", "-f", dir.toString(), "--admin-address", admin)
            .awaitReady(admin)) {
      // Statuses are rendered just after the configuration is served.
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> status(admin).contains("ResolvedRefs"));
      assertThat(status(admin)).doesNotContain("InvalidCertificateRef");

      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(
              () ->
                  assertThat(status(admin))
                      .contains("InvalidCertificateRef")
                      .contains("expired at"));
      assertThat(archway.output()).contains("a certificate expired or became valid");
    }
  }

  /** Every resource with its status, as the admin API gives it (YAML). */
  private static String status(String admin) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://" + admin + "/status")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
