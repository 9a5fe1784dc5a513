package dev.elbow.snapshot;

import static dev.elbow.snapshot.testing.TestCertificates.certificate;
import static dev.elbow.snapshot.testing.TestCertificates.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.spec.InvalidKeySpecException;
import org.junit.jupiter.api.Test;

class PemMaterialTest {

  @Test
  void readsPkcs8RsaAndEcKeysAndPairsThemWithTheirCertificates() {
    assertThat(PemMaterial.problems(certificate("default"))).isEmpty();
    assertThat(PemMaterial.problems(certificate("api"))).isEmpty();
  }

  @Test
  void rewrapsPkcs1RsaKeysAsTheSameKeyInPkcs8() throws Exception {
    var pkcs1 = PemMaterial.privateKey(pem("default-pkcs1.key"));
    var pkcs8 = PemMaterial.privateKey(pem("default.key"));
    assertThat(pkcs1.getEncoded()).isEqualTo(pkcs8.getEncoded());
    assertThat(PemMaterial.pkcs8Pem(pem("default-pkcs1.key"))).startsWith("-----BEGIN PRIVATE KEY");
  }

  @Test
  void namesTheSecretAndTheFieldOfEachProblem() {
    var garbage =
        new TlsCertificate(
            "shop/www",
            "not a cert",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----");
    assertThat(PemMaterial.problems(garbage))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("tls.crt of shop/www is not a PEM certificate"))
        .anySatisfy(
            p -> assertThat(p).startsWith("tls.key of shop/www is not a usable private key"));
  }

  @Test
  void refusesAKeyOfAnotherKindThanTheCertificate() {
    var mixed = new TlsCertificate("shop/www", pem("default.crt"), pem("api.key"));
    assertThat(PemMaterial.problems(mixed))
        .singleElement()
        .asString()
        .contains("does not belong to tls.crt (key type EC, certificate key type RSA)");
  }

  @Test
  void explainsHowToConvertKeysItDoesNotRead() {
    assertThatThrownBy(
            () ->
                PemMaterial.privateKey(
                    "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----"))
        .isInstanceOf(InvalidKeySpecException.class)
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void readsEveryCertificateOfABundle() throws Exception {
    assertThat(PemMaterial.certificates(pem("ca.crt") + pem("other-ca.crt"))).hasSize(2);
    assertThat(PemMaterial.certificateProblem("nothing")).isPresent();
  }

  @Test
  void neverPrintsAPrivateKey() {
    assertThat(certificate("default").toString()).isEqualTo("TlsCertificate[test/default]");
  }
}
