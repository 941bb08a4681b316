package dev.crossgate.sidecar.inbound;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.model.MeshMigration.AuthorizationMode;
import dev.crossgate.routing.authz.Decision;
import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.sidecar.proxy.MtlsMode;
import dev.crossgate.sidecar.traffic.TrafficRecorder.Outcome;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether one inbound request reaches the app, by the service's current
 * {@link InboundPolicy}: STRICT refuses plaintext ({@code mtls_required}); authorization runs with
 * the caller's verified SPIFFE id as {@code source.principal} (none for plaintext) and, when it
 * would deny, records it and lets the request through in AUDIT or refuses it with
 * {@code authz_denied} in ENFORCE. Each decision uses the policy current when the request
 * arrives, so a new snapshot applies to the next request.
 */
public final class InboundGate {

  private static final Logger LOG = LoggerFactory.getLogger(InboundGate.class);

  private final Supplier<InboundPolicy> policy;
  private final Supplier<MtlsMode> fallback;
  private final int port;

  /**
   * A gate.
   *
   * @param policy the service's current inbound policy
   * @param fallback the mTLS mode without a MeshMigration (the sidecar's {@code --mtls-mode})
   * @param port the inbound port, as the destination port for authorization
   */
  public InboundGate(Supplier<InboundPolicy> policy, Supplier<MtlsMode> fallback, int port) {
    this.policy = requireNonNull(policy, "policy");
    this.fallback = requireNonNull(fallback, "fallback");
    this.port = port;
  }

  /**
   * What happens to a request.
   *
   * @param outcome forwarded, forwarded though it would be denied, denied, or refused plaintext
   * @param policy for WOULD_DENY and DENIED: the deciding policy and rule, or the reason
   * @param refusal the error to answer with, or null to forward
   */
  public record Admission(Outcome outcome, String policy, ProxyException refusal) {}

  /** The admission of every forwarded request that authorization allowed (or did not run for). */
  private static final Admission FORWARD = new Admission(Outcome.FORWARDED, null, null);

  /**
   * Decides for {@code request}.
   *
   * @param peer the caller's verified SPIFFE id, or null for plaintext
   * @param sourceAddress the caller's address (IP text), or null
   */
  public Admission admit(HttpServerRequest request, String peer, String sourceAddress) {
    InboundPolicy current = policy.get();
    if (peer == null && current.effectiveMode(fallback.get()) == MtlsMode.STRICT) {
      return new Admission(Outcome.REFUSED_PLAINTEXT, null, new ProxyException(
          ErrorReason.MTLS_REQUIRED, "this sidecar's inbound port is STRICT"
              + (current.stage() == null ? "" : " (MeshMigration stage " + current.stage() + ")")
              + ": connect with mutual TLS and a mesh certificate"));
    }
    if (current.authorization() == AuthorizationMode.OFF || current.engine().isEmpty()) {
      return FORWARD;
    }
    Decision decision = current.engine().decide(
        new InboundAuthzRequest(request, peer, sourceAddress, port), Instant.now());
    if (decision.allowed()) {
      return FORWARD;
    }
    String decidedBy = decision.policy() == null ? decision.reason()
        : decision.policy() + " rule " + decision.rule();
    String caller = peer == null ? "plaintext caller " + sourceAddress : peer;
    String what = request.method().name() + " " + request.path();
    if (current.authorization() == AuthorizationMode.AUDIT) {
      LOG.info("authz audit: would deny {} from {}: {} (stage {}, let through)", what, caller,
          decision.reason(), current.stageName());
      return new Admission(Outcome.WOULD_DENY, decidedBy, null);
    }
    return new Admission(Outcome.DENIED, decidedBy, new ProxyException(ErrorReason.AUTHZ_DENIED,
        what + " from " + caller + ": " + decision.reason(), decidedBy, java.util.Map.of()));
  }
}
