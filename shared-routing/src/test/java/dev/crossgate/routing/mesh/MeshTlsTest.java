package dev.crossgate.routing.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.testkit.TestCertificates;
import io.vertx.core.net.ClientSSLOptions;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MeshTlsTest {

  private static final String ID = "spiffe://cluster.local/ns/shop/sa/reviews";

  private static WorkloadCertificate certificate(String keyPem) {
    TestCertificates ca = TestCertificates.ca("mesh root");
    TestCertificates.Leaf leaf = ca.issue(TestCertificates.KeyType.EC, "reviews");
    return new WorkloadCertificate(ID, Instant.now().minusSeconds(60),
        Instant.now().plusSeconds(3600), keyPem == null ? leaf.pkcs8KeyPem() : keyPem,
        leaf.chainPem(), ca.certificatePem());
  }

  @Test
  void aCopyOfTheOptionsIsEqualAndHashesAlike() {
    // Vert.x copies a request's TLS options and looks its pool up by them on every request.
    ClientSSLOptions options = MeshTls.client(certificate(null), ID, true);
    ClientSSLOptions copy = options.copy();

    assertThat(copy).isEqualTo(options);
    assertThat(copy.hashCode()).isEqualTo(options.hashCode());
  }

  @Test
  void anUnreadableKeySaysWhichCertificate() {
    assertThatThrownBy(() -> MeshTls.client(certificate("-----BEGIN PRIVATE KEY-----\n"
        + "bm90IGEga2V5\n-----END PRIVATE KEY-----\n"), ID, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the mesh certificate of " + ID)
        .hasMessageContaining("workload private key");
  }
}
