package dev.archway.app.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.app.sync.CertificateAuthority;
import dev.archway.app.sync.ControllerSync;
import dev.archway.app.sync.ProxyCertificates;
import dev.archway.app.sync.TlsFiles;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The controller's certificate Secrets against a real API server: the CA Secret is created once and
 * read back by a second replica; a proxy certificate Secret is written only by the leader, kept
 * while valid (also by a new leader), renewed with a third of its validity left, and reissued when
 * the CA changes.
 */
@ExtendWith(TestCluster.class)
class ProxyCertificatesIT {
  private final String id = UUID.randomUUID().toString().substring(0, 6);
  private final String ns = "certs-" + id;
  private KubernetesClient client;
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
  private final Clock clock =
      new Clock() {
        @Override
        public Instant instant() {
          return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }
      };

  @BeforeEach
  void setUp() {
    client = TestCluster.cluster().client();
    Fixtures.namespace(client, ns);
  }

  @AfterEach
  void tearDown() {
    client.namespaces().withName(ns).delete();
    client.close();
  }

  @Test
  void caIsSharedAndProxyCertificatesAreWrittenByTheLeaderKeptAndRenewed() throws Exception {
    CertificateAuthority first = ControllerSync.loadOrCreateCa(client, ns, "archway-ca", clock);
    CertificateAuthority second = ControllerSync.loadOrCreateCa(client, ns, "archway-ca", clock);
    assertThat(second.certificate()).isEqualTo(first.certificate());

    Gateway gateway = client.resource(Fixtures.gateway(ns, "gw", "any-class")).create();
    ProxyCertificates.Target target =
        new ProxyCertificates.Target(
            ns, "gw", gateway.getMetadata().getUid(), "archway-gw-proxy-tls", Map.of("a", "b"));
    Duration validity = Duration.ofDays(30);

    try (ProxyCertificates standby =
        new ProxyCertificates(client, first, validity, Duration.ofHours(1), clock, "test")) {
      standby.submit(List.of(target));
      Thread.sleep(500);
      assertThat(secret()).as("a standby writes nothing").isNull();
    }

    String issued;
    try (ProxyCertificates leader =
        new ProxyCertificates(client, first, validity, Duration.ofHours(1), clock, "test")) {
      leader.setLeader(true);
      leader.submit(List.of(target));
      await().atMost(Duration.ofSeconds(10)).until(() -> secret() != null);
      issued = data(secret(), TlsFiles.CERT);
      assertThat(CertificateAuthority.gatewaysOf(cert(issued))).containsExactly(ns + "/gw");
      assertThat(data(secret(), TlsFiles.CA)).isEqualTo(first.certificatePem());
      assertThat(secret().getMetadata().getLabels()).containsEntry("a", "b");
      assertThat(leader.writes()).isEqualTo(1);
    }

    // A new leader keeps a valid certificate ...
    try (ProxyCertificates leader =
        new ProxyCertificates(client, first, validity, Duration.ofHours(1), clock, "test")) {
      leader.setLeader(true);
      leader.submit(List.of(target));
      Thread.sleep(500);
      assertThat(leader.writes()).isZero();
      assertThat(data(secret(), TlsFiles.CERT)).isEqualTo(issued);

      // ... and renews it once two thirds of its validity have passed.
      now.set(now.get().plus(Duration.ofDays(21)));
      leader.submit(List.of(target));
      await().atMost(Duration.ofSeconds(10)).until(() -> leader.writes() == 1);
      String renewed = data(secret(), TlsFiles.CERT);
      assertThat(renewed).isNotEqualTo(issued);
      assertThat(cert(renewed).getNotAfter().toInstant())
          .isAfter(now.get().plus(Duration.ofDays(29)));
    }

    // Another CA: every proxy certificate is reissued.
    CertificateAuthority other = CertificateAuthority.create("other", clock);
    try (ProxyCertificates leader =
        new ProxyCertificates(client, other, validity, Duration.ofHours(1), clock, "test")) {
      leader.setLeader(true);
      leader.submit(List.of(target));
      await().atMost(Duration.ofSeconds(10)).until(() -> leader.writes() == 1);
      assertThat(data(secret(), TlsFiles.CA)).isEqualTo(other.certificatePem());
    }
  }

  private Secret secret() {
    return client.secrets().inNamespace(ns).withName("archway-gw-proxy-tls").get();
  }

  private static String data(Secret secret, String key) {
    return new String(
        Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static java.security.cert.X509Certificate cert(String pem) throws Exception {
    return (java.security.cert.X509Certificate)
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
  }
}
