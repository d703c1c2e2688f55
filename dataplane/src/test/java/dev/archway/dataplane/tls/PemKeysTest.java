package dev.archway.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;

class PemKeysTest {
  @Test
  void readsPkcs8Keys() throws Exception {
    for (PrivateKey key : List.of(rsaKey(), ecKey())) {
      assertThat(PemKeys.privateKey(TestPki.pem(key)).getEncoded()).isEqualTo(key.getEncoded());
    }
  }

  @Test
  void refusesPkcs1AndSec1KeysWhichTheTranslatorConverts() throws Exception {
    // PKCS#1 ("RSA PRIVATE KEY") and SEC1 ("EC PRIVATE KEY"): the inner structures of PKCS#8.
    String pkcs1 = block("RSA PRIVATE KEY", PrivateKeyInfo.getInstance(rsaKey().getEncoded()));
    String sec1 = block("EC PRIVATE KEY", PrivateKeyInfo.getInstance(ecKey().getEncoded()));

    for (String pem : List.of(pkcs1, sec1)) {
      assertThatThrownBy(() -> PemKeys.privateKey(pem))
          .isInstanceOf(GeneralSecurityException.class)
          .hasMessageContaining("is not PKCS#8 (expected: PRIVATE KEY");
    }
  }

  @Test
  void rejectsWhatIsNotAKey() {
    assertThatThrownBy(() -> PemKeys.privateKey("nothing"))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("no PRIVATE KEY block");
    assertThatThrownBy(() -> PemKeys.certificates("")).isInstanceOf(GeneralSecurityException.class);
  }

  private static PrivateKey rsaKey() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    return rsa.generateKeyPair().getPrivate();
  }

  private static PrivateKey ecKey() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp384r1"));
    return ec.generateKeyPair().getPrivate();
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
