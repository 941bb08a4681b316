package dev.crossgate.sidecar.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.identity.IdentityClient;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.WorkloadIdentity;
import dev.crossgate.routing.mesh.CertificateManager;
import dev.crossgate.routing.mesh.WorkloadCertificate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate manager against the real engine: the first certificate, then renewal failing
 * once the engine is gone — a warning metric only in the certificate's last quarter.
 */
class CertificateManagerTest {

  @TempDir Path data;

  @Test
  void warnsThroughTheExpiringMetricOnlyInTheLastQuarterWhenRenewalFails() throws Exception {
    PolicyServer engine = PolicyServer.start(PolicyServerOptions.defaults(data)
        .withApi("127.0.0.1", 0).withDistributionPort(0));
    Vertx vertx = Vertx.vertx();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MovableClock clock = new MovableClock(Instant.now());
    IdentityClient client = new IdentityClient(vertx,
        SocketAddress.inetSocketAddress(engine.distributionPort(), "127.0.0.1"));
    String token = await(engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity("shop", "reviews"), Duration.ofHours(1))).token();
    CertificateManager manager = new CertificateManager(vertx, client, token, registry, clock);
    try {
      WorkloadCertificate first = await(manager.start());
      assertThat(first.spiffeId()).isEqualTo("spiffe://crossgate.local/ns/shop/sa/reviews");
      assertThat(first.halfLife()).isEqualTo(first.notBefore()
          .plus(Duration.between(first.notBefore(), first.notAfter()).dividedBy(2)));
      assertThat(gauge(registry, "crossgate_mesh_certificate_expiry_seconds"))
          .isGreaterThan(Duration.ofHours(23).toSeconds());
      engine.close();
      engine = null;

      // Past half-life but before the last quarter: a failure, no warning yet.
      clock.set(first.notAfter().minus(Duration.ofHours(8)));
      assertThat(failure(manager.renew())).isNotNull();
      assertThat(gauge(registry, "crossgate_mesh_certificate_expiring")).isZero();

      clock.set(first.notAfter().minus(Duration.ofHours(1)));
      assertThat(failure(manager.renew())).isNotNull();
      assertThat(gauge(registry, "crossgate_mesh_certificate_expiring")).isEqualTo(1);
      assertThat(registry.get("crossgate_mesh_certificate_renewal_failures").counter().count())
          .isGreaterThanOrEqualTo(2);
      assertThat(manager.current()).contains(first);
    } finally {
      manager.close();
      client.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      if (engine != null) {
        engine.close();
      }
    }
  }

  @Test
  void renewsHalfwayThroughTheValidityLeftEvenForAOneMinuteBackdatedCertificate()
      throws Exception {
    PolicyServer engine = PolicyServer.start(PolicyServerOptions.defaults(data)
            .withApi("127.0.0.1", 0).withDistributionPort(0),
        dev.crossgate.policy.server.distribution.DistributionService.Settings.defaults(),
        dev.crossgate.policy.server.ca.MeshCaOptions.defaults()
            .withCertificateTtl(Duration.ofMinutes(1)));
    Vertx vertx = Vertx.vertx();
    MovableClock clock = new MovableClock(Instant.now());
    IdentityClient client = new IdentityClient(vertx,
        SocketAddress.inetSocketAddress(engine.distributionPort(), "127.0.0.1"));
    String token = await(engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity("shop", "reviews"), Duration.ofHours(1))).token();
    CertificateManager manager = new CertificateManager(vertx, client, token,
        new SimpleMeterRegistry(), clock);
    try {
      WorkloadCertificate first = await(manager.start());
      Instant received = clock.instant();
      // The CA back-dates notBefore by a minute: the certificate's own half-life is about now.
      assertThat(first.halfLife()).isBefore(received.plusSeconds(5));
      assertThat(manager.nextRenewal()).hasValue(received.plus(
          Duration.between(received, first.notAfter()).dividedBy(2)));
      assertThat(manager.nextRenewal().orElseThrow()).isAfter(received.plusSeconds(25));
    } finally {
      manager.close();
      client.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      engine.close();
    }
  }

  @Test
  void renewsWithTheCertificateItHoldsSoItsJoinTokenIsNeededOnlyToJoin() throws Exception {
    PolicyServer engine = PolicyServer.start(PolicyServerOptions.defaults(data)
        .withApi("127.0.0.1", 0).withDistributionPort(0));
    Vertx vertx = Vertx.vertx();
    IdentityClient client = new IdentityClient(vertx,
        SocketAddress.inetSocketAddress(engine.distributionPort(), "127.0.0.1"));
    String token = await(engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity("shop", "reviews"), Duration.ofHours(1))).token();
    CertificateManager joining = new CertificateManager(vertx, client, token,
        new SimpleMeterRegistry(), Clock.systemUTC());
    // As a restarted sidecar with its kept certificate and no usable token (none here).
    CertificateManager restarted = new CertificateManager(vertx, client, "",
        new SimpleMeterRegistry(), Clock.systemUTC());
    MovableClock late = new MovableClock(Instant.now());
    CertificateManager tooLate = new CertificateManager(vertx, client, "",
        new SimpleMeterRegistry(), late);
    try {
      WorkloadCertificate first = await(joining.start());
      restarted.adopt(first);

      WorkloadCertificate renewed = await(restarted.renew());

      assertThat(renewed.spiffeId()).isEqualTo(first.spiffeId());
      assertThat(renewed.privateKeyPem()).isNotEqualTo(first.privateKeyPem());
      assertThat(restarted.current()).contains(renewed);
      // Once the held certificate has expired only a join token can renew: with none, the
      // engine's refusal says what is missing.
      late.set(first.notAfter().plusSeconds(60));
      tooLate.adopt(first);
      assertThat(failure(tooLate.renew())).hasMessageContaining("join token");
    } finally {
      joining.close();
      restarted.close();
      tooLate.close();
      client.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      engine.close();
    }
  }

  private static double gauge(SimpleMeterRegistry registry, String name) {
    return registry.get(name).gauge().value();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> future) throws Exception {
    try {
      await(future);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  /** A clock the test sets. */
  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
