package dev.archway.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.yaml.ManifestLoader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The instants at which a translation changes with time alone, from the golden TLS material. */
class CertificateDeadlinesTest {
  private static final List<HasMetadata> TLS = tlsMaterial();

  @Test
  void aCertificateChangesWhenItBecomesValidAndJustAfterItExpires() throws Exception {
    ResourceSnapshot snapshot = only(r -> r.getMetadata().getName().equals("expired"));
    X509Certificate cert = certificateOf("expired");
    Instant notBefore = cert.getNotBefore().toInstant();
    Instant notAfter = cert.getNotAfter().toInstant();
    CertificateDeadlines deadlines = new CertificateDeadlines();

    assertThat(deadlines.next(snapshot, notBefore.minusSeconds(86_400))).contains(notBefore);
    assertThat(deadlines.next(snapshot, notBefore)).contains(notAfter.plusMillis(1));
    assertThat(deadlines.next(snapshot, notAfter)).contains(notAfter.plusMillis(1));
    assertThat(deadlines.next(snapshot, notAfter.plusMillis(1))).isEmpty();
  }

  @Test
  void theEarliestOfAllWhileMalformedPemIsSkipped() throws Exception {
    ResourceSnapshot snapshot = only(r -> true);
    Instant now = GoldenTest.NOW;
    Instant earliest = null;
    for (HasMetadata resource : TLS) {
      List<X509Certificate> certs;
      try {
        certs = certificatesIn(resource);
      } catch (java.security.cert.CertificateException | RuntimeException e) {
        continue; // the malformed one, and resources without certificates
      }
      for (X509Certificate cert : certs) {
        Instant end = cert.getNotAfter().toInstant().plusMillis(1);
        if (end.isAfter(now) && (earliest == null || end.isBefore(earliest))) {
          earliest = end;
        }
      }
    }
    assertThat(earliest).as("a certificate valid at the golden tests' time").isNotNull();

    assertThat(new CertificateDeadlines().next(snapshot, now)).contains(earliest);
    assertThat(new CertificateDeadlines().next(ResourceSnapshot.EMPTY, now)).isEmpty();
  }

  @Test
  void aCaBundleInAConfigMapCountsToo() throws Exception {
    HasMetadata ca =
        TLS.stream()
            .filter(r -> r instanceof io.fabric8.kubernetes.api.model.ConfigMap)
            .filter(r -> r.getMetadata().getName().equals("ca"))
            .findFirst()
            .orElseThrow();
    Instant notAfter = certificatesIn(ca).get(0).getNotAfter().toInstant();

    assertThat(
            new CertificateDeadlines()
                .next(ResourceSnapshot.builder().add(ca).build(), GoldenTest.NOW))
        .contains(notAfter.plusMillis(1));
  }

  private static ResourceSnapshot only(Predicate<HasMetadata> which) {
    return ResourceSnapshot.builder().addAll(TLS.stream().filter(which).toList()).build();
  }

  private static X509Certificate certificateOf(String secret) throws Exception {
    return certificatesIn(
            TLS.stream().filter(r -> r.getMetadata().getName().equals(secret)).findFirst().get())
        .get(0);
  }

  /** The certificates of tls.crt or ca.crt, parsed by the JDK directly. */
  private static List<X509Certificate> certificatesIn(HasMetadata resource) throws Exception {
    byte[] pem =
        resource instanceof Secret secret
            ? ResourceIndex.secretValue(secret, "tls.crt")
            : ((io.fabric8.kubernetes.api.model.ConfigMap) resource)
                .getData()
                .get("ca.crt")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    return CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem))
        .stream()
        .map(c -> (X509Certificate) c)
        .toList();
  }

  private static List<HasMetadata> tlsMaterial() {
    return ManifestLoader.load(List.of(GoldenTest.TLS)).snapshot().all();
  }
}
