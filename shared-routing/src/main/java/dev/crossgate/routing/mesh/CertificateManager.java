package dev.crossgate.routing.mesh;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.identity.IdentityCallException;
import dev.crossgate.policy.identity.IdentityClient;
import dev.crossgate.policy.identity.v1.IssueCertificateResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the sidecar's certificate from the engine and keeps it fresh: a new key pair (on a worker
 * thread) and CSR each time, sent with the join token the first time and, to renew, with the
 * certificate held and proof of its key (the join token again only if that is refused);
 * renewal at half-life; when renewal keeps
 * failing, a retry every few seconds and, in the last quarter of the certificate's life, a
 * warning in the log and in {@code crossgate_mesh_certificate_expiring}.
 *
 * <p>The trust bundle that snapshots carry is fed in through {@link #trust}: a changed bundle
 * reaches every listener (so TLS servers and clients trust a new root before any peer presents
 * a certificate from it), and a certificate from a root other than the one signing now is
 * renewed at once, after a random delay of up to the renewal jitter so a fleet does not renew in
 * the same second.
 */
public final class CertificateManager implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CertificateManager.class);
  static final Duration MAX_RETRY = Duration.ofSeconds(30);
  /** The longest random delay before renewing a certificate from a root that no longer signs. */
  public static final Duration DEFAULT_RENEWAL_JITTER = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final IdentityClient client;
  private final String joinToken;
  private final Clock clock;
  private final AtomicReference<WorkloadCertificate> current = new AtomicReference<>();
  private final List<Function<WorkloadCertificate, Future<?>>> listeners =
      new CopyOnWriteArrayList<>();
  private final String nodeId;
  private final Duration renewalJitter;
  /** The root that signs now, as the last snapshot said; empty until one did. */
  private volatile String signingRoot = "";
  /** The signing root a pending early renewal is for, so repeated snapshots do not re-arm it. */
  private volatile String renewingFor = "";
  private final Counter renewals;
  private final Counter renewalFailures;
  private volatile boolean expiring;
  private volatile long timer = -1;
  private volatile Instant renewalAt;
  private volatile boolean closed;

  public CertificateManager(Vertx vertx, IdentityClient client, String joinToken,
      MeterRegistry registry, Clock clock) {
    this(vertx, client, joinToken, registry, clock, "", DEFAULT_RENEWAL_JITTER);
  }

  /**
   * A manager that names its node ({@code nodeId}, the id of its distribution stream) to the
   * engine, so a root rotation can tell which root this node's certificate chains to, and that
   * renews a certificate from a retiring root after a random delay of up to
   * {@code renewalJitter}.
   */
  public CertificateManager(Vertx vertx, IdentityClient client, String joinToken,
      MeterRegistry registry, Clock clock, String nodeId, Duration renewalJitter) {
    this.nodeId = requireNonNull(nodeId, "nodeId");
    this.renewalJitter = requireNonNull(renewalJitter, "renewalJitter");
    if (renewalJitter.isNegative()) {
      throw new IllegalArgumentException("renewalJitter: " + renewalJitter + " (expected: >= 0)");
    }
    this.vertx = requireNonNull(vertx, "vertx");
    this.client = requireNonNull(client, "client");
    this.joinToken = requireNonNull(joinToken, "joinToken");
    this.clock = requireNonNull(clock, "clock");
    this.renewals = Counter.builder("crossgate_mesh_certificate_renewals")
        .description("Certificates received from the mesh CA").register(registry);
    this.renewalFailures = Counter.builder("crossgate_mesh_certificate_renewal_failures")
        .description("Failed attempts to get a certificate from the mesh CA").register(registry);
    Gauge.builder("crossgate_mesh_certificate_expiry_seconds", this,
            m -> m.current().map(c -> Duration.between(m.clock.instant(), c.notAfter()).toSeconds())
                .orElse(0L).doubleValue())
        .description("Seconds until the sidecar's certificate expires").register(registry);
    Gauge.builder("crossgate_mesh_certificate_expiring", this, m -> m.expiring ? 1 : 0)
        .description("1 when the certificate is in its last quarter and renewal fails")
        .register(registry);
  }

  /**
   * Gets the first certificate. Retries while the engine is unreachable; fails at once (with the
   * engine's reason) when the engine refuses the join token or the CSR.
   */
  public Future<WorkloadCertificate> start() {
    Promise<WorkloadCertificate> first = Promise.promise();
    attemptFirst(first, Duration.ofMillis(200));
    return first.future();
  }

  private void attemptFirst(Promise<WorkloadCertificate> first, Duration backoff) {
    if (closed) {
      first.tryFail("closed");
      return;
    }
    fetch().onSuccess(first::tryComplete).onFailure(failure -> {
      renewalFailures.increment();
      if (failure instanceof IdentityCallException refused && permanent(refused.status())) {
        first.tryFail(new IllegalStateException("the mesh CA refused this sidecar: "
            + refused.getMessage(), refused));
        return;
      }
      LOG.warn("cannot get a certificate yet ({}); retrying in {} ms", failure.getMessage(),
          backoff.toMillis());
      Duration next = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
      timer = vertx.setTimer(backoff.toMillis(), id -> attemptFirst(first, next));
    });
  }

  /**
   * Serves with {@code kept}, a still-valid certificate from an earlier run, until the CA issues
   * one ({@link #start()} keeps trying meanwhile). Does nothing when a certificate is already in
   * use.
   */
  public void adopt(WorkloadCertificate kept) {
    requireNonNull(kept, "kept");
    if (current.compareAndSet(null, kept)) {
      LOG.info("serving with the kept certificate {} valid until {} until the mesh CA issues one",
          kept.spiffeId(), kept.notAfter());
      listeners.forEach(listener -> listener.apply(kept));
    }
  }

  /** The certificate in use, if one was received. */
  public Optional<WorkloadCertificate> current() {
    return Optional.ofNullable(current.get());
  }

  /** Calls {@code listener} with each new certificate (the first one included). */
  public void onCertificate(Consumer<WorkloadCertificate> listener) {
    requireNonNull(listener, "listener");
    listeners.add(certificate -> {
      listener.accept(certificate);
      return Future.succeededFuture();
    });
  }

  /**
   * Calls {@code listener} with each new certificate and each trust bundle change; the future it
   * answers says when the change is in use (e.g. a TLS server's {@code updateSSLOptions}).
   */
  public void onCertificateUpdate(Function<WorkloadCertificate, Future<?>> listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  /**
   * Takes the trust bundle of a snapshot: the roots to trust (one PEM block each; nothing
   * changes when empty) and the hex SHA-256 of the root that signs now. A changed bundle goes to
   * every listener; the answer completes once they have it in use. A certificate from another
   * root than the signing one is renewed after a random delay of up to the renewal jitter.
   */
  public Future<Void> trust(List<String> rootsPem, String signingRootSha256) {
    requireNonNull(rootsPem, "rootsPem");
    signingRoot = signingRootSha256 == null ? "" : signingRootSha256;
    WorkloadCertificate held = current.get();
    if (held == null || rootsPem.isEmpty()) {
      return Future.succeededFuture();
    }
    renewIfFromAnotherRoot(held);
    String bundle = String.join("", rootsPem);
    if (bundle.equals(held.trustBundlePem())) {
      return Future.succeededFuture();
    }
    WorkloadCertificate updated = held.withTrustBundle(bundle);
    if (!current.compareAndSet(held, updated)) {
      return Future.succeededFuture(); // a new certificate arrived meanwhile, with its own bundle
    }
    LOG.info("mesh trust bundle changed: {} root(s), signing root sha256 {}", rootsPem.size(),
        signingRoot);
    return notifyListeners(updated);
  }

  private void renewIfFromAnotherRoot(WorkloadCertificate held) {
    String signing = signingRoot;
    if (signing.isEmpty() || closed || signing.equals(renewingFor)) {
      return;
    }
    String issuer = held.issuerRootSha256();
    if (issuer.equals(signing)) {
      return;
    }
    renewingFor = signing;
    long delay = renewalJitter.isZero() ? 0
        : java.util.concurrent.ThreadLocalRandom.current().nextLong(renewalJitter.toMillis() + 1);
    LOG.info("the certificate {} chains to root sha256 {}, not to the signing root {}: renewing in "
        + "{} ms", held.spiffeId(), issuer, signing, delay);
    schedule(Duration.ofMillis(delay));
  }

  private Future<Void> notifyListeners(WorkloadCertificate certificate) {
    List<Future<?>> updates = new java.util.ArrayList<>();
    for (Function<WorkloadCertificate, Future<?>> listener : listeners) {
      updates.add(listener.apply(certificate));
    }
    return Future.all(updates).mapEmpty();
  }

  /** Renews now, whatever the certificate's age (also what the half-life timer calls). */
  public Future<WorkloadCertificate> renew() {
    return fetch().onFailure(failure -> {
      renewalFailures.increment();
      WorkloadCertificate held = current.get();
      if (held == null || closed) {
        return;
      }
      Instant now = clock.instant();
      Duration left = Duration.between(now, held.notAfter());
      Duration life = Duration.between(held.notBefore(), held.notAfter());
      if (left.compareTo(life.dividedBy(4)) <= 0) {
        expiring = true;
        LOG.warn("the sidecar certificate {} expires in {} s and cannot be renewed: {}",
            held.spiffeId(), left.toSeconds(), failure.getMessage());
      } else {
        LOG.warn("renewing the sidecar certificate failed ({}); it is valid {} s more",
            failure.getMessage(), left.toSeconds());
      }
      Duration retry = left.dividedBy(10);
      retry = retry.compareTo(MAX_RETRY) > 0 ? MAX_RETRY
          : retry.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : retry;
      schedule(retry);
    });
  }

  /**
   * A new key and CSR, sent with proof of the certificate held while it is valid (so a renewal
   * needs no join token), else, or when the engine refuses that proof, with the join token.
   */
  private Future<WorkloadCertificate> fetch() {
    WorkloadCertificate held = current.get();
    WorkloadCertificate prover = held != null && clock.instant().isBefore(held.notAfter())
        ? held : null;
    return vertx.executeBlocking(() -> {
      KeyPair pair = CsrBuilder.newKeyPair();
      String csr = CsrBuilder.csr(pair);
      return new String[] {CsrBuilder.privateKeyPem(pair), csr, prover == null ? null
          : CsrBuilder.possessionSignature(prover.privateKeyPem(), csr)};
    }, false).compose(material -> request(material[1], prover, material[2])
        .map(response -> certificate(material[0], response)))
        .onSuccess(this::install);
  }

  private Future<IssueCertificateResponse> request(String csr, WorkloadCertificate prover,
      String proof) {
    if (prover == null) {
      return client.issue(csr, joinToken, nodeId);
    }
    return client.renew(csr, prover.chainPem(), proof, nodeId).recover(refused -> {
      if (joinToken.isEmpty() || !(refused instanceof IdentityCallException call
          && call.status() == GrpcStatus.UNAUTHENTICATED)) {
        return Future.failedFuture(refused);
      }
      LOG.info("renewing with the certificate held was refused ({}); renewing with the join"
          + " token", refused.getMessage());
      return client.issue(csr, joinToken, nodeId);
    });
  }

  private void install(WorkloadCertificate certificate) {
    current.set(certificate);
    expiring = false;
    renewals.increment();
    renewingFor = "";
    LOG.info("mesh certificate {} valid until {}, from root sha256 {}", certificate.spiffeId(),
        certificate.notAfter(), certificate.issuerRootSha256());
    notifyListeners(certificate).onFailure(e ->
        LOG.warn("a listener could not take the new certificate: {}", e.toString()));
    // Half of the validity left on receipt: the CA back-dates notBefore (clock skew), so the
    // certificate's own half-life can be now already for a short lifetime (a 1-minute
    // certificate, back-dated 1 minute, was renewed every second).
    Duration untilHalfLife = Duration.between(clock.instant(), certificate.notAfter())
        .dividedBy(2);
    schedule(untilHalfLife.isNegative() ? Duration.ofSeconds(1) : untilHalfLife);
    // Issued just before the signing root changed: renew again from the new one.
    renewIfFromAnotherRoot(certificate);
  }

  private void schedule(Duration delay) {
    if (closed) {
      return;
    }
    long previous = timer;
    if (previous >= 0) {
      vertx.cancelTimer(previous);
    }
    renewalAt = clock.instant().plus(delay);
    timer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> renew());
  }

  /** When the next renewal is due (by this manager's clock), if one is scheduled. */
  public Optional<Instant> nextRenewal() {
    return Optional.ofNullable(renewalAt);
  }

  private static WorkloadCertificate certificate(String keyPem, IssueCertificateResponse response) {
    try {
      X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(
              response.getCertificateChainPem().getBytes(StandardCharsets.US_ASCII)))
          .iterator().next();
      return new WorkloadCertificate(response.getSpiffeId(), leaf.getNotBefore().toInstant(),
          leaf.getNotAfter().toInstant(), keyPem, response.getCertificateChainPem(),
          response.getTrustBundlePem());
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalStateException("the mesh CA sent an unreadable certificate: " + e.getMessage(), e);
    }
  }

  private static boolean permanent(GrpcStatus status) {
    return status == GrpcStatus.UNAUTHENTICATED || status == GrpcStatus.INVALID_ARGUMENT
        || status == GrpcStatus.PERMISSION_DENIED;
  }

  @Override
  public void close() {
    closed = true;
    long id = timer;
    if (id >= 0) {
      vertx.cancelTimer(id);
    }
  }
}
