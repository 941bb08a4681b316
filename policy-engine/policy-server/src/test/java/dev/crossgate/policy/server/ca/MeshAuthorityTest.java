package dev.crossgate.policy.server.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.server.ca.IdentityException.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshAuthorityTest {

  private final Vertx vertx = Vertx.vertx();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T01:00:00Z"));
  private final SecretStore store = new InMemorySecretStore();

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  @Test
  void createsTheRootOnceAndReusesItFromTheStore() throws Exception {
    MeshAuthority first = await(MeshAuthority.start(vertx, store, MeshCaOptions.defaults(), clock));
    MeshAuthority second = await(MeshAuthority.start(vertx, store, MeshCaOptions.defaults(), clock));
    assertThat(second.trustBundlePem()).isEqualTo(first.trustBundlePem());
    assertThat(await(store.get(MeshAuthority.ROOTS_KEY))).get().asString().contains("PRIVATE KEY");
    assertThat(second.roots().phase()).isEqualTo("stable");
  }

  @Test
  void aRootStoredBeforeRotationSupportIsCarriedOver() throws Exception {
    RootCa old = RootCa.generate("crossgate.local", clock.instant());
    await(store.put(MeshAuthority.ROOT_KEY, old.toPem()));
    MeshAuthority authority = await(MeshAuthority.start(vertx, store, MeshCaOptions.defaults(), clock));
    assertThat(authority.trustBundlePem()).isEqualTo(old.certificatePem());
    assertThat(authority.signingRootSha256()).isEqualTo(Pem.sha256(old.certificate()));
  }

  @Test
  void usesTheOperatorsRootWhenGivenOne(@TempDir Path dir) throws Exception {
    RootCa operator = RootCa.generate("corp.example", clock.instant());
    Path cert = Files.writeString(dir.resolve("ca.crt"), operator.certificatePem());
    String pem = operator.toPem();
    Path key = Files.writeString(dir.resolve("ca.key"), pem.substring(pem.indexOf("-----BEGIN PRIVATE")));
    MeshAuthority authority = await(MeshAuthority.start(vertx, store,
        MeshCaOptions.defaults().withTrustDomain("corp.example").withRoot(cert, key), clock));
    assertThat(authority.trustBundlePem()).isEqualTo(operator.certificatePem());
  }

  @Test
  void aJoinTokenGetsACertificateForItsOwnIdentity() throws Exception {
    MeshAuthority authority = await(MeshAuthority.start(vertx, store, MeshCaOptions.defaults(), clock));
    JoinTokens.Created token = await(authority.joinTokens()
        .create(new WorkloadIdentity("shop", "reviews"), Duration.ofHours(1)));
    assertThat(token.toString()).doesNotContain(token.token());

    IssuedCertificate issued = await(authority.issue(TestCsrs.csr(TestCsrs.ec(), null), token.token()));
    assertThat(issued.spiffeId().uri()).isEqualTo("spiffe://crossgate.local/ns/shop/sa/reviews");
  }

  @Test
  void aTokenForOneServiceAccountCannotAskForAnother() throws Exception {
    MeshAuthority authority = await(MeshAuthority.start(vertx, store, MeshCaOptions.defaults(), clock));
    String token = await(authority.joinTokens()
        .create(new WorkloadIdentity("shop", "reviews"), Duration.ofHours(1))).token();
    String csr = TestCsrs.csr(TestCsrs.ec(), "spiffe://crossgate.local/ns/shop/sa/payments");
    assertReason(authority.issue(csr, token), Reason.SAN_MISMATCH);
  }

  @Test
  void expiredUnknownAndMalformedTokensAreRefusedPrecisely() throws Exception {
    MeshAuthority authority = await(MeshAuthority.start(vertx, store, MeshCaOptions.defaults(), clock));
    JoinTokens tokens = authority.joinTokens();
    String token = await(tokens.create(new WorkloadIdentity("shop", "reviews"), Duration.ofMinutes(10))).token();
    String csr = TestCsrs.csr(TestCsrs.ec(), null);

    String wrongSecret = token.substring(0, token.indexOf('.') + 1) + "A".repeat(43);
    assertThat(assertReason(authority.issue(csr, wrongSecret), Reason.UNKNOWN_CREDENTIAL))
        .contains("unknown or wrong secret");
    assertThat(assertReason(authority.issue(csr, "not-a-token"), Reason.MALFORMED_CREDENTIAL))
        .isEqualTo("join token: not of the form <id>.<secret> (expected: a token from 'crossgate token create')");
    assertThat(assertReason(authority.issue(csr, ""), Reason.MALFORMED_CREDENTIAL))
        .startsWith("join token: missing");

    clock.advance(Duration.ofMinutes(10));
    assertThat(assertReason(authority.issue(csr, token), Reason.EXPIRED_CREDENTIAL))
        .contains("expired at 2026-11-29T01:10:00Z");
  }

  @Test
  void aTokenTtlOutOfRangeIsRefused() {
    JoinTokens tokens = new JoinTokens(store, clock);
    assertThatThrownBy(() -> await(tokens.create(new WorkloadIdentity("a", "b"), Duration.ZERO)))
        .hasMessage("ttl: PT0S (expected: between PT1S and PT8760H)");
  }

  private static String assertReason(Future<?> future, Reason reason) {
    Throwable failure = catchFailure(future);
    assertThat(failure).isInstanceOf(IdentityException.class);
    assertThat(((IdentityException) failure).reason()).isEqualTo(reason);
    return failure.getMessage();
  }

  private static Throwable catchFailure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  /** A clock a test moves by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
