package dev.crossgate.routing.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.testkit.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WorkloadKeyOptionsTest {

  private static final TestCertificates CA = TestCertificates.ca("mesh root");
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static WorkloadCertificate certificate(TestCertificates.Leaf leaf) {
    return new WorkloadCertificate("spiffe://crossgate.local/ns/shop/sa/a",
        Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), leaf.pkcs8KeyPem(),
        leaf.chainPem(), CA.certificatePem());
  }

  private static X509ExtendedKeyManager keyManager(KeyCertOptions options) throws Exception {
    return (X509ExtendedKeyManager) options.getKeyManagerFactory(vertx).getKeyManagers()[0];
  }

  @Test
  void theKeyManagerServesTheChainAndTheKeyThatSignsForTheLeaf() throws Exception {
    TestCertificates.Leaf leaf = CA.issue(TestCertificates.KeyType.EC, "a");
    X509ExtendedKeyManager keys = keyManager(certificate(leaf).keyCertOptions());

    String server = keys.chooseEngineServerAlias("EC", null, null);
    String client = keys.chooseEngineClientAlias(new String[] {"RSA", "EC"}, null, null);
    assertThat(server).isNotNull().isEqualTo(client);
    X509Certificate[] chain = keys.getCertificateChain(server);
    assertThat(chain).containsExactly(leaf.certificate(), CA.certificate());
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(keys.getPrivateKey(server));
    signer.update("probe".getBytes(StandardCharsets.US_ASCII));
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(leaf.certificate());
    verifier.update("probe".getBytes(StandardCharsets.US_ASCII));
    assertThat(verifier.verify(signer.sign())).isTrue();
    assertThat(keys.chooseEngineServerAlias("RSA", null, null)).isNull();
  }

  @Test
  void theSameKeyAndChainGiveTheSameOptionsSoVertxReusesItsTlsContext() {
    TestCertificates.Leaf leaf = CA.issue(TestCertificates.KeyType.EC, "a");
    WorkloadCertificate certificate = certificate(leaf);

    KeyCertOptions first = certificate.keyCertOptions();
    assertThat(certificate.keyCertOptions()).isSameAs(first);
    assertThat(certificate.withTrustBundle("other bundle").keyCertOptions()).isSameAs(first);
    assertThat(certificate(CA.issue(TestCertificates.KeyType.EC, "b")).keyCertOptions())
        .isNotEqualTo(first);
  }

  @Test
  void aKeyPemWrittenByTheCsrBuilderReadsBackAsTheSameKey() {
    KeyPair pair = CsrBuilder.newKeyPair();
    String pem = CsrBuilder.privateKeyPem(pair);

    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("\n-----END PRIVATE KEY-----\n");
    assertThat(pem.lines().skip(1).filter(l -> !l.startsWith("-----")))
        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
    assertThat(WorkloadKeyOptions.privateKey(pem, "EC")).isEqualTo(pair.getPrivate());
  }

  @Test
  void anUnreadableKeyIsRefusedWithWhatWasExpected() {
    TestCertificates.Leaf leaf = CA.issue(TestCertificates.KeyType.EC, "a");
    WorkloadCertificate traditional = new WorkloadCertificate("spiffe://x/ns/a/sa/b",
        Instant.now(), Instant.now().plusSeconds(60), leaf.traditionalKeyPem(), leaf.chainPem(),
        CA.certificatePem());
    WorkloadCertificate garbage = new WorkloadCertificate("spiffe://x/ns/a/sa/b",
        Instant.now(), Instant.now().plusSeconds(60),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", leaf.chainPem(),
        CA.certificatePem());

    assertThatThrownBy(traditional::keyCertOptions).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workload private key: no -----BEGIN PRIVATE KEY-----")
        .hasMessageContaining("expected: an unencrypted PKCS#8 key");
    assertThatThrownBy(garbage::keyCertOptions).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the mesh certificate of spiffe://x/ns/a/sa/b: "
            + "workload private key: not a PKCS#8 EC key");
  }
}
