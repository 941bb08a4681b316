package dev.crossgate.policy.server.ca;

import static dev.crossgate.policy.server.ca.MeshAuthorityTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.server.api.NodeStatus;
import dev.crossgate.policy.server.api.NodeStatusRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A root rotation step by step against a fake set of connected nodes: trusted first, signing once
 * every node trusts it, retired once every node's certificate chains to the new root (or once
 * the old root's last certificate has expired).
 */
class RootRotationTest {

  private final Vertx vertx = Vertx.vertx();
  private final MeshAuthorityTest.MutableClock clock =
      new MeshAuthorityTest.MutableClock(Instant.parse("2026-11-29T01:00:00Z"));
  private final SecretStore store = new InMemorySecretStore();
  private final List<NodeStatus> connected = new CopyOnWriteArrayList<>();
  private final NodeStatusRegistry registry = () -> List.copyOf(connected);
  private MeshAuthority authority;
  private String token;

  @BeforeEach
  void start() throws Exception {
    authority = await(MeshAuthority.start(vertx, store,
        MeshCaOptions.defaults().withCertificateTtl(Duration.ofHours(1)), clock));
    authority.watch(registry, Duration.ofMillis(20));
    token = await(authority.joinTokens().create(new WorkloadIdentity("shop", "reviews"),
        Duration.ofDays(1))).token();
  }

  @AfterEach
  void stop() throws Exception {
    authority.close();
    await(vertx.close());
  }

  @Test
  void walksFromTrustedToSigningToRetiredAsNodesFollow() throws Exception {
    String oldRoot = authority.signingRootSha256();
    connect("a");
    connect("b");
    issue("a");
    issue("b");
    List<Runnable> changes = new CopyOnWriteArrayList<>();
    authority.onTrustChange(() -> changes.add(() -> {}));

    CaRoots started = await(authority.rotate(Optional.empty()));
    assertThat(started.phase()).isEqualTo("propagating");
    String newRoot = started.find(RootState.INCOMING).orElseThrow().sha256();
    assertThat(authority.trustRootsPem()).hasSize(2);
    assertThat(authority.signingRootSha256()).isEqualTo(oldRoot);
    assertThat(signerOf(issue("a"))).isEqualTo(oldRoot);
    assertThat(changes).hasSize(1);

    // Only one node trusts the new root: it must not sign yet.
    authority.trustApplied("a", authority.trustRootsPem());
    eventually(() -> authority.waitingFor().equals(List.of("b")));
    assertThat(authority.roots().phase()).isEqualTo("propagating");

    authority.trustApplied("b", authority.trustRootsPem());
    eventually(() -> authority.roots().phase().equals("reissuing"));
    assertThat(authority.signingRootSha256()).isEqualTo(newRoot);
    assertThat(authority.trustRootsPem()).hasSize(2);
    eventually(() -> authority.waitingFor().containsAll(List.of("a", "b")));

    assertThat(signerOf(issue("a"))).isEqualTo(newRoot);
    eventually(() -> authority.waitingFor().equals(List.of("b")));
    assertThat(authority.roots().phase()).isEqualTo("reissuing");

    assertThat(signerOf(issue("b"))).isEqualTo(newRoot);
    eventually(() -> authority.roots().phase().equals("stable"));
    assertThat(authority.trustRootsPem()).hasSize(1);
    assertThat(authority.signingRootSha256()).isEqualTo(newRoot);
    assertThat(authority.roots().roots()).extracting(TrustedRoot::state)
        .containsExactly(RootState.SIGNING, RootState.RETIRED);
    assertThat(changes).hasSize(3);

    // The state survives in the store: another engine starting now uses the new root.
    MeshAuthority other = await(MeshAuthority.start(vertx, store,
        MeshCaOptions.defaults().withCertificateTtl(Duration.ofHours(1)), clock));
    assertThat(other.signingRootSha256()).isEqualTo(newRoot);
    assertThat(other.trustRootsPem()).isEqualTo(authority.trustRootsPem());
  }

  @Test
  void theOldRootRetiresWhenItsLastCertificateHasExpiredEvenIfANodeNeverRenewed()
      throws Exception {
    connect("stuck");
    issue("stuck");
    await(authority.rotate(Optional.empty()));
    authority.trustApplied("stuck", authority.trustRootsPem());
    eventually(() -> authority.roots().phase().equals("reissuing"));
    eventually(() -> authority.waitingFor().equals(List.of("stuck")));

    clock.advance(Duration.ofMinutes(62));
    eventually(() -> authority.roots().phase().equals("stable"));
    assertThat(authority.trustRootsPem()).hasSize(1);
  }

  @Test
  void aSecondRotationWhileOneIsUnderWayIsRefused() throws Exception {
    connect("a");
    await(authority.rotate(Optional.empty()));
    assertThatThrownBy(() -> await(authority.rotate(Optional.empty())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a root rotation is already propagating");
  }

  @Test
  void rotatesToAnOperatorsRoot() throws Exception {
    RootCa operator = RootCa.generate("crossgate.local", clock.instant());
    // No node is connected: nothing holds either step back.
    await(authority.rotate(Optional.of(operator)));
    eventually(() -> authority.roots().phase().equals("stable"));
    assertThat(authority.signingRootSha256()).isEqualTo(Pem.sha256(operator.certificate()));
    assertThat(authority.trustBundlePem()).isEqualTo(operator.certificatePem());
    assertThatThrownBy(() -> await(authority.rotate(Optional.of(operator))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the one already signing");
  }

  @Test
  void rootsNeverShowTheirKeys() throws Exception {
    connect("a"); // holds the rotation in "propagating"
    await(authority.rotate(Optional.empty()));
    String shown = authority.roots().toString();
    assertThat(shown).doesNotContain("PRIVATE KEY").contains("incoming").contains("signing");
  }

  private void connect(String node) {
    connected.add(new NodeStatus(node, "sidecar", 1, null, clock.instant(), "local"));
  }

  private IssuedCertificate issue(String node) throws Exception {
    return await(authority.issue(TestCsrs.csr(TestCsrs.ec(), null), token, node));
  }

  private static String signerOf(IssuedCertificate issued) {
    List<java.security.cert.X509Certificate> chain = Pem.certificates(issued.chainPem(), "chain");
    return Pem.sha256(chain.get(chain.size() - 1));
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(10);
    }
  }
}
