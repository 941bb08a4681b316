package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.gateway.GatewayServer;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.routing.mesh.WorkloadCertificate;
import dev.crossgate.routing.tls.DevCertificates;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway {@code crossgate up} starts joins the mesh: with up's own engine, demo, options and
 * join token (real engine, real gateway, real CSR over gRPC on loopback), the gateway is issued a
 * certificate for {@code spiffe://<trust domain>/ns/demo/sa/gateway} signed by the engine's mesh
 * CA.
 */
class UpMeshIdentityTest {

  @TempDir Path state;
  PolicyServer engine;
  DemoBackends backends;
  GatewayServer gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (engine != null) {
      engine.close();
    }
    if (backends != null) {
      backends.close();
    }
  }

  @Test
  void upsGatewayIsIssuedAMeshCertificateForItsIdentity() throws Exception {
    backends = DemoBackends.start();
    engine = PolicyServer.start(PolicyServerOptions.defaults(state.resolve("engine"))
        .withApi("127.0.0.1", 0).withDistributionPort(0));
    UpCommand.applyDemo(engine, backends.ports(), DevCertificates.ensure(
        CertsCommand.dir(state), DevCertificates.LOCAL_NAMES, false));

    gateway = GatewayServer.start(UpCommand.gatewayOptions(engine, state)
            .withPorts(Map.of("http", 0, "https", 0), 0),
        UpCommand.meshJoinToken(engine));

    WorkloadCertificate certificate = UpCommand.awaitMeshCertificate(gateway).orElseThrow(
        () -> new AssertionError("no mesh certificate within 30 s"));
    String trustDomain = engine.meshAuthority().trustDomain();
    assertThat(certificate.spiffeId())
        .isEqualTo("spiffe://" + trustDomain + "/ns/demo/sa/gateway");
    assertThat(certificate.notAfter()).isAfter(Instant.now());
    // Issued by the engine's mesh CA: the leaf verifies against a root of its trust bundle.
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    X509Certificate leaf = (X509Certificate) x509.generateCertificates(new ByteArrayInputStream(
        certificate.chainPem().getBytes(StandardCharsets.US_ASCII))).iterator().next();
    boolean verified = false;
    for (var root : x509.generateCertificates(new ByteArrayInputStream(
        certificate.trustBundlePem().getBytes(StandardCharsets.US_ASCII)))) {
      try {
        leaf.verify(((X509Certificate) root).getPublicKey());
        verified = true;
      } catch (java.security.GeneralSecurityException e) {
        // another root
      }
    }
    assertThat(verified).as("the leaf is signed by a root of the trust bundle").isTrue();
  }
}
