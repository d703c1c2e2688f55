package dev.archway.translator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.api.yaml.ManifestLoader;
import dev.archway.translator.Certificates.InvalidPem;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.junit.jupiter.api.Test;

/**
 * The key forms a Kubernetes TLS Secret may hold, from the golden TLS material: each comes out as
 * PKCS#8 for the same key, and a broken one is named in the message.
 */
class CertificatesTest {
  private static final List<HasMetadata> TLS =
      ManifestLoader.load(List.of(GoldenTest.TLS)).snapshot().all();
  private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

  @Test
  void readsPkcs1AndSec1KeysAsPkcs8OfTheSameKey() throws Exception {
    for (String secret : List.of("rsa-pkcs1", "ec-sec1")) {
      Certificates.KeyPair pair =
          Certificates.keyPair(value(secret, "tls.crt"), value(secret, "tls.key"), NOW);

      assertThat(pair.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
      byte[] pkcs8 = der(pair.keyPem());
      String algorithm = secret.startsWith("rsa") ? "RSA" : "EC";
      assertThat(KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8)))
          .as(secret)
          .isNotNull();
      // Still the Secret's key: the PKCS#8 wraps the very bytes of its PKCS#1 or SEC1 block.
      assertThat(contains(pkcs8, der(new String(value(secret, "tls.key"), StandardCharsets.UTF_8))))
          .as(secret)
          .isTrue();
    }
  }

  @Test
  void namesARsaKeyThatDoesNotParse() {
    byte[] broken = pem("RSA PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00});

    assertThatThrownBy(() -> Certificates.keyPair(value("rsa-pkcs1", "tls.crt"), broken, NOW))
        .isInstanceOf(InvalidPem.class)
        .hasMessage("tls.key: not a valid RSA private key");
  }

  @Test
  void namesAnEcKeyWithoutItsCurve() throws Exception {
    byte[] noCurve =
        pem("EC PRIVATE KEY", new ECPrivateKey(256, BigInteger.valueOf(12345)).getEncoded());

    assertThatThrownBy(() -> Certificates.keyPair(value("ec-sec1", "tls.crt"), noCurve, NOW))
        .isInstanceOf(InvalidPem.class)
        .hasMessage("tls.key: the EC private key does not name its curve");
  }

  @Test
  void namesAnEcKeyThatDoesNotParse() {
    byte[] broken = pem("EC PRIVATE KEY", new byte[] {0x04, 0x01, 0x00});

    assertThatThrownBy(() -> Certificates.keyPair(value("ec-sec1", "tls.crt"), broken, NOW))
        .isInstanceOf(InvalidPem.class)
        .hasMessage("tls.key: not a valid EC private key");
  }

  private static byte[] value(String secret, String key) {
    Secret s =
        (Secret)
            TLS.stream()
                .filter(r -> r instanceof Secret && r.getMetadata().getName().equals(secret))
                .findFirst()
                .orElseThrow();
    return ResourceIndex.secretValue(s, key);
  }

  private static byte[] pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder().encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] der(String pem) {
    String body = pem.replaceAll("-----[A-Z ]+-----", "");
    return Base64.getMimeDecoder().decode(body.strip());
  }

  private static boolean contains(byte[] outer, byte[] inner) {
    for (int i = 0; i + inner.length <= outer.length; i++) {
      if (java.util.Arrays.equals(outer, i, i + inner.length, inner, 0, inner.length)) {
        return true;
      }
    }
    return false;
  }
}
