package dev.archway.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;

class PemKeysTest {
  @Test
  void readsPkcs8Pkcs1AndSec1Keys() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    PrivateKey rsaKey = rsa.generateKeyPair().getPrivate();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp384r1"));
    PrivateKey ecKey = ec.generateKeyPair().getPrivate();

    assertThat(PemKeys.privateKey(TestPki.pem(ecKey)).getEncoded()).isEqualTo(ecKey.getEncoded());
    // PKCS#1 ("RSA PRIVATE KEY") and SEC1 ("EC PRIVATE KEY"): the inner structures of PKCS#8.
    String pkcs1 = block("RSA PRIVATE KEY", PrivateKeyInfo.getInstance(rsaKey.getEncoded()));
    PrivateKeyInfo ecInfo = PrivateKeyInfo.getInstance(ecKey.getEncoded());
    // As openssl writes it: the curve in the [0] parameters.
    String sec1 =
        block(
            "EC PRIVATE KEY",
            new org.bouncycastle.asn1.sec.ECPrivateKey(
                    384,
                    ((java.security.interfaces.ECPrivateKey) ecKey).getS(),
                    ecInfo.getPrivateKeyAlgorithm().getParameters())
                .getEncoded());
    assertThat(PemKeys.privateKey(pkcs1).getEncoded()).isEqualTo(rsaKey.getEncoded());
    assertThat(PemKeys.privateKey(sec1).getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void rejectsWhatIsNotAKey() {
    assertThatThrownBy(() -> PemKeys.privateKey("nothing"))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("no PRIVATE KEY block");
    assertThatThrownBy(() -> PemKeys.certificates("")).isInstanceOf(GeneralSecurityException.class);
  }

  private static String block(String type, PrivateKeyInfo info) throws Exception {
    return block(type, info.parsePrivateKey().toASN1Primitive().getEncoded());
  }

  private static String block(String type, byte[] der) throws Exception {
    PemObject pem = new PemObject(type, der);
    java.io.StringWriter out = new java.io.StringWriter();
    try (var writer = new org.bouncycastle.util.io.pem.PemWriter(out)) {
      writer.writeObject(pem);
    }
    return out.toString();
  }
}
