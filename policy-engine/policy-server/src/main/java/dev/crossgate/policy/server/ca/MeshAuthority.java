package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.server.api.NodeStatus;
import dev.crossgate.policy.server.api.NodeStatusRegistry;
import dev.crossgate.policy.server.distribution.TrustSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's mesh CA at work: loads (or creates, or takes from the operator) the roots kept in
 * the {@link SecretStore}, verifies callers with a {@link WorkloadVerifier}, issues their
 * certificates, and walks a root rotation forward ({@link #rotate}): the new root is trusted
 * first, signs once every connected node trusts it, and the old root is retired once no
 * connected node's certificate chains to it (or every certificate it signed has expired). Key
 * generation, file reads and signing run on worker threads.
 */
public final class MeshAuthority implements TrustSource, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MeshAuthority.class);
  /** Before rotation support: the single root. Read once, to carry it over. */
  static final String ROOT_KEY = "root";
  static final String ROOTS_KEY = "roots";
  static final String NODE_PREFIX = "node/";
  static final String TRUST_PREFIX = "trust/";
  /** How long a new root waits at most for connected nodes to report that they trust it. */
  static final Duration PROPAGATION_LIMIT = Duration.ofMinutes(5);
  /** How often the rotation is checked (and, in a cluster, other engines' changes read). */
  public static final Duration DEFAULT_TICK = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final SecretStore store;
  private final MeshCaOptions options;
  private final JoinTokens joinTokens;
  private final WorkloadVerifier verifier;
  private final Clock clock;
  private final List<Runnable> trustListeners = new CopyOnWriteArrayList<>();
  private final Set<String> trustRecorded = ConcurrentHashMap.newKeySet();
  /** The roots and the CA signing with them, swapped together. */
  private record Installed(CaRoots roots, MeshCa ca) {}

  private volatile Installed installed;
  private volatile List<String> waitingFor = List.of();
  private volatile NodeStatusRegistry nodes = NodeStatusRegistry.NONE;
  private volatile long timer = -1;
  private boolean ticking;

  private MeshAuthority(Vertx vertx, SecretStore store, MeshCaOptions options, CaRoots roots,
      Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.options = options;
    this.joinTokens = new JoinTokens(store, clock);
    this.verifier = joinTokens;
    this.clock = clock;
    install(roots);
  }

  private MeshCa ca() {
    return installed.ca();
  }

  /** Loads or creates the roots as {@code options} say and returns the ready authority. */
  public static Future<MeshAuthority> start(Vertx vertx, SecretStore store, MeshCaOptions options,
      Clock clock) {
    requireNonNull(vertx, "vertx");
    requireNonNull(store, "store");
    requireNonNull(options, "options");
    requireNonNull(clock, "clock");
    return roots(vertx, store, options, clock).map(roots -> {
      LOG.info("mesh CA ready: trust domain {}, signing root sha256 {} ({}), certificates last {}",
          options.trustDomain(), roots.signing().sha256(), roots.signing().root(),
          options.certificateTtl());
      return new MeshAuthority(vertx, store, options, roots, clock);
    });
  }

  private static Future<CaRoots> roots(Vertx vertx, SecretStore store, MeshCaOptions options,
      Clock clock) {
    Future<Optional<CaRoots>> stored = store.get(ROOTS_KEY).compose(json -> json.isPresent()
        ? vertx.executeBlocking(() -> Optional.of(CaRoots.parseStored(json.get())), false)
        : store.get(ROOT_KEY).compose(single -> single.isEmpty()
            ? Future.succeededFuture(Optional.<CaRoots>empty())
            : vertx.executeBlocking(() -> Optional.of(CaRoots.of(RootCa.parseStored(single.get()),
                clock.instant())), false)));
    if (options.rootCertificate() != null) {
      return stored.compose(existing -> vertx.executeBlocking(() -> RootCa.fromPem(
              Files.readString(options.rootCertificate(), StandardCharsets.UTF_8),
              Files.readString(options.rootKey(), StandardCharsets.UTF_8)), false)
          .compose(operator -> {
            if (existing.isPresent()
                && existing.get().signing().sha256().equals(Pem.sha256(operator.certificate()))) {
              return Future.succeededFuture(existing.get());
            }
            long version = existing.map(CaRoots::version).orElse(0L) + 1;
            CaRoots replaced = new CaRoots(version, CaRoots.of(operator, clock.instant()).roots());
            return store.put(ROOTS_KEY, replaced.toStoredJson()).map(replaced);
          }));
    }
    return stored.compose(existing -> {
      if (existing.isPresent()) {
        return Future.succeededFuture(existing.get());
      }
      return vertx.executeBlocking(() -> {
            LOG.info("mesh CA: no root in the store; generating one for {}", options.trustDomain());
            return CaRoots.of(RootCa.generate(options.trustDomain(), clock.instant()),
                clock.instant()).toStoredJson();
          }, false)
          // Another engine of the cluster may have stored one meanwhile: every engine uses that.
          .compose(json -> store.putIfAbsent(ROOTS_KEY, json))
          .compose(json -> vertx.executeBlocking(() -> CaRoots.parseStored(json), false));
    });
  }

  /**
   * Starts following the rotation: every {@code tick}, reads the roots other engines may have
   * changed and moves a rotation on when {@code registry}'s connected nodes allow it.
   */
  public void watch(NodeStatusRegistry registry, Duration tick) {
    this.nodes = requireNonNull(registry, "registry");
    long every = Math.max(10, tick.toMillis());
    timer = vertx.setPeriodic(every, every, id -> tick());
  }

  /**
   * Verifies {@code credential} and issues a certificate for the identity it proves from
   * {@code csrPem}. Fails with an {@link IdentityException} for a bad credential or CSR.
   */
  public Future<IssuedCertificate> issue(String csrPem, String credential) {
    return issue(csrPem, credential, "");
  }

  /**
   * The same, remembering which root signed the certificate of data plane {@code nodeId} (the
   * node id of its distribution stream; empty when unknown), so a rotation knows when every
   * connected node holds a certificate from the new root.
   */
  public Future<IssuedCertificate> issue(String csrPem, String credential, String nodeId) {
    MeshCa signer = ca();
    return verifier.verify(credential).compose(identity -> vertx.executeBlocking(
            () -> signer.issue(csrPem, identity, clock.instant()), false))
        .compose(issued -> remember(nodeId, signer, issued));
  }

  /**
   * Renews a certificate without a join token: the workload proves its identity with the
   * certificate it holds (valid now, from a trusted root) and the signature of {@code csrPem}
   * by that certificate's key. Records the node's root as {@link #issue} does.
   */
  public Future<IssuedCertificate> renew(String csrPem, String currentCertificatePem,
      String possessionSignature, String nodeId) {
    MeshCa signer = ca();
    return vertx.executeBlocking(() -> signer.renew(csrPem, currentCertificatePem,
            possessionSignature, clock.instant()), false)
        .compose(issued -> remember(nodeId, signer, issued));
  }

  private Future<IssuedCertificate> remember(String nodeId, MeshCa signer,
      IssuedCertificate issued) {
    return nodeId == null || nodeId.isEmpty() ? Future.succeededFuture(issued)
        : store.put(NODE_PREFIX + nodeId, signer.signingRootSha256() + "|"
            + issued.notAfter().toEpochMilli()).map(issued);
  }

  /** The roots every mesh peer trusts, as PEM. */
  public String trustBundlePem() {
    return ca().trustBundlePem();
  }

  /** The trusted roots, one PEM block each, newest first: what snapshots carry. */
  @Override
  public List<String> trustRootsPem() {
    return ca().trustRootsPem();
  }

  /** Hex SHA-256 of the root that signs new certificates now. */
  @Override
  public String signingRootSha256() {
    return ca().signingRootSha256();
  }

  /** The roots and the rotation's state. */
  public CaRoots roots() {
    return installed.roots();
  }

  /** The connected nodes a rotation waits for now (empty when it waits for none). */
  public List<String> waitingFor() {
    return waitingFor;
  }

  /** Runs {@code listener} (on any thread) whenever the trust bundle or signing root changes. */
  @Override
  public AutoCloseable onTrustChange(Runnable listener) {
    trustListeners.add(requireNonNull(listener, "listener"));
    return () -> trustListeners.remove(listener);
  }

  /**
   * Records that data plane {@code nodeId} applied a snapshot carrying {@code rootsPem}: while a
   * new root is propagating, that node trusts it.
   */
  @Override
  public void trustApplied(String nodeId, List<String> rootsPem) {
    CaRoots now = roots();
    Optional<TrustedRoot> incoming = now.find(RootState.INCOMING);
    if (nodeId.isEmpty() || incoming.isEmpty()) {
      return;
    }
    String pem = incoming.get().root().certificatePem();
    String sha = incoming.get().sha256();
    if (rootsPem.contains(pem) && trustRecorded.add(nodeId + "|" + sha)) {
      store.put(TRUST_PREFIX + nodeId, sha);
    }
  }

  /**
   * Starts a rotation to {@code operatorRoot}, or to a newly generated root when empty. Fails
   * with an {@link IllegalStateException} while another rotation is under way and with an
   * {@link IllegalArgumentException} for an operator root that cannot be used.
   */
  public Future<CaRoots> rotate(Optional<RootCa> operatorRoot) {
    CaRoots before = roots();
    if (!before.phase().equals("stable")) {
      return Future.failedFuture(new IllegalStateException("a root rotation is already "
          + before.phase() + " (expected: wait until it finishes; GET /api/v1/ca shows where it is)"));
    }
    return vertx.executeBlocking(() -> {
      RootCa next = operatorRoot.orElseGet(() ->
          RootCa.generate(options.trustDomain(), clock.instant()));
      return before.withIncoming(next, clock.instant());
    }, false).compose(after -> store.put(ROOTS_KEY, after.toStoredJson()).map(v -> {
      install(after);
      TrustedRoot incoming = after.find(RootState.INCOMING).orElseThrow();
      LOG.info("mesh CA rotation started: root sha256 {} is trusted now and will sign once every "
          + "connected node trusts it; sha256 {} signs until then", incoming.sha256(),
          after.signing().sha256());
      return after;
    }));
  }

  private void tick() {
    if (ticking) {
      return;
    }
    ticking = true;
    store.get(ROOTS_KEY)
        .compose(json -> {
          if (json.isEmpty()
              || new io.vertx.core.json.JsonObject(json.get()).getLong("version") <= roots().version()) {
            return Future.succeededFuture();
          }
          return vertx.executeBlocking(() -> CaRoots.parseStored(json.get()), false)
              .map(read -> {
                if (read.version() > roots().version()) {
                  LOG.info("mesh CA roots changed by another engine: {}", read.phase());
                  install(read);
                }
                return null;
              });
        })
        .compose(v -> advance())
        .onFailure(e -> LOG.warn("mesh CA rotation check failed: {}", e.toString()))
        .onComplete(v -> ticking = false);
  }

  private Future<Void> advance() {
    CaRoots now = roots();
    Instant at = clock.instant();
    List<String> connected = nodes.nodes().stream().map(NodeStatus::nodeId).distinct().toList();
    if (now.phase().equals("propagating")) {
      TrustedRoot incoming = now.find(RootState.INCOMING).orElseThrow();
      return pending(connected, TRUST_PREFIX, value -> !value.equals(incoming.sha256()), true)
          .compose(pending -> {
            waitingFor = pending;
            boolean late = at.isAfter(incoming.since().plus(PROPAGATION_LIMIT));
            if (!pending.isEmpty() && !late) {
              return Future.succeededFuture();
            }
            if (late && !pending.isEmpty()) {
              LOG.warn("mesh CA rotation: nodes {} did not report the new root within {}; "
                  + "signing with it anyway", pending, PROPAGATION_LIMIT);
            }
            return save(now.promote(at), "root sha256 " + incoming.sha256()
                + " signs now; nodes renew their certificates");
          });
    }
    if (now.phase().equals("reissuing")) {
      TrustedRoot outgoing = now.find(RootState.OUTGOING).orElseThrow();
      String signing = now.signing().sha256();
      return pending(connected, NODE_PREFIX, value -> {
            String[] parts = value.split("\\|");
            return !parts[0].equals(signing) && Long.parseLong(parts[1]) > at.toEpochMilli();
          }, false)
          .compose(pending -> {
            waitingFor = pending;
            Instant lastOldExpiry = outgoing.since().plus(options.certificateTtl())
                .plus(MeshCa.BACKDATE);
            if (!pending.isEmpty() && at.isBefore(lastOldExpiry)) {
              return Future.succeededFuture();
            }
            return save(now.retire(at), "root sha256 " + outgoing.sha256()
                + " retired: no connected node's certificate chains to it");
          });
    }
    waitingFor = List.of();
    return Future.succeededFuture();
  }

  /**
   * The connected nodes whose record under {@code prefix} is {@code waiting}; a node without a
   * record waits when {@code missingWaits}.
   */
  private Future<List<String>> pending(List<String> connected, String prefix,
      java.util.function.Predicate<String> waiting, boolean missingWaits) {
    List<Future<Optional<String>>> reads = new ArrayList<>();
    connected.forEach(id -> reads.add(store.get(prefix + id)));
    return Future.all(reads).map(all -> {
      List<String> pending = new ArrayList<>();
      for (int i = 0; i < connected.size(); i++) {
        Optional<String> value = reads.get(i).result();
        if (value.isEmpty() ? missingWaits : waiting.test(value.get())) {
          pending.add(connected.get(i));
        }
      }
      return pending;
    });
  }

  private Future<Void> save(CaRoots next, String step) {
    return store.put(ROOTS_KEY, next.toStoredJson()).map(v -> {
      install(next);
      waitingFor = List.of();
      LOG.info("mesh CA rotation: {}", step);
      return null;
    });
  }

  /** Swaps in {@code next} unless a newer version is installed already. */
  private void install(CaRoots next) {
    synchronized (this) {
      if (installed != null && installed.roots().version() >= next.version()) {
        return;
      }
      installed = new Installed(next, new MeshCa(next.signing().root(),
          next.trustedCertificates(), options.trustDomain(), options.certificateTtl()));
    }
    trustListeners.forEach(Runnable::run);
  }

  /** The trust domain. */
  public String trustDomain() {
    return options.trustDomain();
  }

  /** How long workload certificates last. */
  public Duration certificateTtl() {
    return options.certificateTtl();
  }

  /** The join tokens this authority accepts. */
  public JoinTokens joinTokens() {
    return joinTokens;
  }

  /** Stops following the rotation. */
  @Override
  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
