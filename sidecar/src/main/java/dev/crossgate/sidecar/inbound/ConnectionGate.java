package dev.crossgate.sidecar.inbound;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.model.MeshMigration.AuthorizationMode;
import dev.crossgate.routing.authz.Decision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether one opaque TCP connection on the inbound port reaches the app, right after the
 * mTLS handshake (or at once for plaintext, which STRICT already refused): the service's current
 * {@link InboundPolicy} authorizes it with what is known at L4 ({@link ConnectionAuthzRequest}).
 * A DENY, or no matching ALLOW where one is required, is logged with the caller and the deciding
 * policy, counted in {@code crossgate_sidecar_inbound_tcp_authz_total{outcome="denied"}}, and the
 * caller closes the connection; in AUDIT it is logged and counted as {@code would_deny} and let
 * through. There is no status to answer with on an opaque stream: the close is the refusal.
 */
public final class ConnectionGate {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGate.class);

  private final Supplier<InboundPolicy> policy;
  private final int port;
  private final MeterRegistry registry;

  /**
   * A gate.
   *
   * @param policy the service's current inbound policy
   * @param port the inbound port, as the destination port for authorization
   * @param registry where the decisions are counted
   */
  public ConnectionGate(Supplier<InboundPolicy> policy, int port, MeterRegistry registry) {
    this.policy = requireNonNull(policy, "policy");
    this.port = port;
    this.registry = requireNonNull(registry, "registry");
  }

  /**
   * Whether the connection may reach the app.
   *
   * @param peer the caller's verified SPIFFE id, or null for plaintext
   * @param sourceAddress the caller's address (IP text), or null
   */
  public boolean admit(String peer, String sourceAddress) {
    InboundPolicy current = policy.get();
    if (current.authorization() == AuthorizationMode.OFF || current.engine().isEmpty()) {
      count("allowed", peer, sourceAddress);
      return true;
    }
    Decision decision = current.engine().decide(
        new ConnectionAuthzRequest(peer, sourceAddress, port), Instant.now());
    if (decision.allowed()) {
      count("allowed", peer, sourceAddress);
      return true;
    }
    String decidedBy = decision.policy() == null ? decision.reason()
        : decision.policy() + " rule " + decision.rule();
    String caller = peer == null ? "plaintext caller " + sourceAddress : peer;
    if (current.authorization() == AuthorizationMode.AUDIT) {
      LOG.info("authz audit: would close the TCP connection from {}: {} ({}; stage {}, let "
          + "through)", caller, decision.reason(), decidedBy, current.stageName());
      count("would_deny", peer, sourceAddress);
      return true;
    }
    LOG.warn("authz: closing the TCP connection from {} on port {}: {} ({})", caller, port,
        decision.reason(), decidedBy);
    count("denied", peer, sourceAddress);
    return false;
  }

  private void count(String outcome, String peer, String sourceAddress) {
    Counter.builder("crossgate_sidecar_inbound_tcp_authz_total")
        .description("Opaque TCP connections on the inbound port by authorization outcome "
            + "(allowed, would_deny in AUDIT, denied: closed after the handshake) and caller")
        .tag("outcome", outcome)
        .tag("peer", peer != null ? peer : sourceAddress == null ? "unknown" : sourceAddress)
        .register(registry).increment();
  }
}
