package dev.crossgate.routing.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.testkit.TestCertificates;
import dev.crossgate.testkit.TestCertificates.KeyType;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every PEM key flavour is read; every bad input is refused naming its origin and expectation. */
class PemReaderTest {

  static TestCertificates ca;
  static TestCertificates.Leaf rsa;
  static TestCertificates.Leaf ec;

  @BeforeAll
  static void certificates() {
    ca = TestCertificates.ca("Reader CA");
    rsa = ca.issue(KeyType.RSA, "rsa.test", "*.rsa.test");
    ec = ca.issue(KeyType.EC, "ec.test", "10.0.0.1");
  }

  private static PemText pem(String origin, String text) {
    return new PemText(origin, text);
  }

  @Test
  void readsPkcs8Pkcs1Sec1AndEncryptedKeysMatchingTheirCertificates() throws Exception {
    PemText rsaChain = pem("rsa.pem", rsa.chainPem());
    PemText ecChain = pem("ec.pem", ec.chainPem());
    assertThat(rsa.traditionalKeyPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(ec.traditionalKeyPem()).startsWith("-----BEGIN EC PRIVATE KEY-----");
    for (String key : List.of(rsa.pkcs8KeyPem(), rsa.traditionalKeyPem())) {
      CertifiedKey loaded = CertifiedKey.of("rsa", rsaChain, pem("rsa.key", key), null);
      assertThat(loaded.keyType()).isEqualTo("RSA");
      assertThat(loaded.chain()).hasSize(2);
      assertThat(loaded.hostnames()).containsExactly("rsa.test", "*.rsa.test");
    }
    for (String key : List.of(ec.pkcs8KeyPem(), ec.traditionalKeyPem())) {
      CertifiedKey loaded = CertifiedKey.of("ec", ecChain, pem("ec.key", key), null);
      assertThat(loaded.keyType()).isEqualTo("EC");
      assertThat(loaded.hostnames()).containsExactly("ec.test");
    }
    char[] password = "s3cret".toCharArray();
    String encrypted = ec.encryptedKeyPem(password);
    assertThat(encrypted).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    assertThat(CertifiedKey.of("ec", ecChain, pem("ec.key", encrypted), password).key())
        .isEqualTo(ec.privateKey());
    assertThatThrownBy(() -> PemReader.privateKey(pem("ec.key", encrypted), null))
        .hasMessage("ec.key: an encrypted private key (expected: an unencrypted key, or a"
            + " password for it)");
    assertThatThrownBy(() -> PemReader.privateKey(pem("ec.key", encrypted),
            "wrong".toCharArray()))
        .hasMessage("ec.key: the encrypted private key cannot be decrypted (expected: the right"
            + " password)");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefusedNamingBothFiles() {
    assertThatThrownBy(() -> CertifiedKey.of("rsa", pem("certs/rsa.pem", rsa.chainPem()),
            pem("certs/other.key", ca.issue(KeyType.RSA, "rsa.test").pkcs8KeyPem()), null))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessage("certs/other.key: the RSA private key does not match the certificate in"
            + " certs/rsa.pem (subject CN=rsa.test, RSA public key; expected: the key the"
            + " certificate was issued for)");
    assertThatThrownBy(() -> CertifiedKey.of("rsa", pem("certs/rsa.pem", rsa.chainPem()),
            pem("certs/ec.key", ec.pkcs8KeyPem()), null))
        .hasMessageStartingWith("certs/ec.key: the EC private key does not match");
  }

  @Test
  void wrongOrDamagedPemIsRefusedWithWhatWasExpected() {
    assertThatThrownBy(() -> PemReader.certificates(pem("a.pem", "hello")))
        .hasMessage("a.pem: no PEM block (expected: text with -----BEGIN ...----- lines)");
    assertThatThrownBy(() -> PemReader.certificates(pem("a.pem", rsa.pkcs8KeyPem())))
        .hasMessage("a.pem: found a private key (expected: only CERTIFICATE blocks, the"
            + " certificate first, then intermediates)");
    assertThatThrownBy(() -> PemReader.privateKey(pem("a.key", rsa.certificatePem()), null))
        .hasMessage("a.key: found a CERTIFICATE (expected: " + PemReader.KEY_BLOCKS + ")");
    assertThatThrownBy(() -> PemReader.privateKey(
            pem("a.key", rsa.pkcs8KeyPem() + ec.pkcs8KeyPem()), null))
        .hasMessage("a.key: 2 PEM blocks (expected: exactly one private key)");
    assertThatThrownBy(() -> PemReader.certificates(pem("a.pem",
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")))
        .hasMessageStartingWith("a.pem: not valid PEM after 0 block(s)");
    assertThatThrownBy(() -> PemReader.certificates(pem("a.pem",
            "-----BEGIN CERTIFICATE-----\nMIIB\n")))
        .hasMessageStartingWith("a.pem: not valid PEM after 0 block(s)");
  }

  @Test
  void sniKeyManagerChoosesByNameThenWildcardThenDefaultWithinTheKeyType() throws Exception {
    CertifiedKey first = CertifiedKey.of("rsa", pem("rsa.pem", rsa.chainPem()),
        pem("rsa.key", rsa.pkcs8KeyPem()), null);
    CertifiedKey second = CertifiedKey.of("ec", pem("ec.pem", ec.chainPem()),
        pem("ec.key", ec.pkcs8KeyPem()), null);
    SniKeyManager manager = new SniKeyManager(List.of(first, second));
    assertThat(manager.choose("EC", "ec.test")).isEqualTo("1");
    assertThat(manager.choose("RSA", "ec.test")).as("the name decides; EC only").isNull();
    assertThat(manager.choose("RSA", "api.rsa.test")).isEqualTo("0");
    assertThat(manager.choose("RSA", "a.b.rsa.test")).as("one label only").isEqualTo("0");
    assertThat(manager.choose("RSA", "unknown.test")).isEqualTo("0");
    assertThat(manager.choose("EC", "unknown.test")).isNull();
    assertThat(manager.choose("RSA", null)).isEqualTo("0");
    assertThat(manager.getCertificateChain("1")[0]).isEqualTo(ec.certificate());
    assertThat(manager.chooseClientAlias(new String[] {"EC"}, null, null)).isEqualTo("1");
    assertThat(first.serves("a.b.rsa.test")).isFalse();
  }
}
