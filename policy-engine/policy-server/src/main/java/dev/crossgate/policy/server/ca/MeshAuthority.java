package dev.crossgate.policy.server.ca;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's mesh CA at work: loads (or creates, or takes from the operator) the root kept in
 * the {@link SecretStore}, verifies callers with a {@link WorkloadVerifier} and issues their
 * certificates. Key generation, file reads and signing run on worker threads.
 */
public final class MeshAuthority {

  private static final Logger LOG = LoggerFactory.getLogger(MeshAuthority.class);
  static final String ROOT_KEY = "root";

  private final Vertx vertx;
  private final MeshCa ca;
  private final JoinTokens joinTokens;
  private final WorkloadVerifier verifier;
  private final Clock clock;

  private MeshAuthority(Vertx vertx, MeshCa ca, JoinTokens joinTokens, Clock clock) {
    this.vertx = vertx;
    this.ca = ca;
    this.joinTokens = joinTokens;
    this.verifier = joinTokens;
    this.clock = clock;
  }

  /** Loads or creates the root as {@code options} say and returns the ready authority. */
  public static Future<MeshAuthority> start(Vertx vertx, SecretStore store, MeshCaOptions options,
      Clock clock) {
    requireNonNull(vertx, "vertx");
    requireNonNull(store, "store");
    requireNonNull(options, "options");
    requireNonNull(clock, "clock");
    return root(vertx, store, options, clock).map(root -> {
      LOG.info("mesh CA ready: trust domain {}, {}, certificates last {}", options.trustDomain(),
          root, options.certificateTtl());
      return new MeshAuthority(vertx, new MeshCa(root, options.trustDomain(),
          options.certificateTtl()), new JoinTokens(store, clock), clock);
    });
  }

  private static Future<RootCa> root(Vertx vertx, SecretStore store, MeshCaOptions options,
      Clock clock) {
    if (options.rootCertificate() != null) {
      return vertx.executeBlocking(() -> RootCa.fromPem(
              Files.readString(options.rootCertificate(), StandardCharsets.UTF_8),
              Files.readString(options.rootKey(), StandardCharsets.UTF_8)), false)
          .compose(root -> store.put(ROOT_KEY, root.toPem()).map(root));
    }
    return store.get(ROOT_KEY).compose(stored -> {
      if (stored.isPresent()) {
        return vertx.executeBlocking(() -> RootCa.parseStored(stored.get()), false);
      }
      return vertx.executeBlocking(() -> {
            LOG.info("mesh CA: no root in the store; generating one for {}", options.trustDomain());
            return RootCa.generate(options.trustDomain(), clock.instant()).toPem();
          }, false)
          // Another engine of the cluster may have stored one meanwhile: every engine uses that.
          .compose(pem -> store.putIfAbsent(ROOT_KEY, pem))
          .compose(pem -> vertx.executeBlocking(() -> RootCa.parseStored(pem), false));
    });
  }

  /**
   * Verifies {@code credential} and issues a certificate for the identity it proves from
   * {@code csrPem}. Fails with an {@link IdentityException} for a bad credential or CSR.
   */
  public Future<IssuedCertificate> issue(String csrPem, String credential) {
    return verifier.verify(credential).compose(identity -> vertx.executeBlocking(
        () -> ca.issue(csrPem, identity, clock.instant()), false));
  }

  /** The roots every mesh peer trusts, as PEM. */
  public String trustBundlePem() {
    return ca.trustBundlePem();
  }

  /** The trust domain. */
  public String trustDomain() {
    return ca.trustDomain();
  }

  /** The join tokens this authority accepts. */
  public JoinTokens joinTokens() {
    return joinTokens;
  }
}
