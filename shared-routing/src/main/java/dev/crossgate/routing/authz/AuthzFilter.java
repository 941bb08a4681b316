package dev.crossgate.routing.authz;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.ProxyExchange;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Objects;

/**
 * The authorization filter: asks the target's {@link AuthorizationEngine} and denies with 403
 * {@code authz_denied}. The decision (deciding policy and rule) is logged as {@code authz}, AUDIT
 * matches as {@code authz_audit}, what dry-run policies would decide as {@code authz_dry_run}.
 */
public final class AuthzFilter implements HttpFilter {

  /** The access-log field with the decision. */
  public static final String LOG_DECISION = "authz";

  /** The access-log field with the AUDIT policies that matched. */
  public static final String LOG_AUDIT = "authz_audit";

  /** The access-log field with what dry-run policies would have decided. */
  public static final String LOG_DRY_RUN = "authz_dry_run";

  private final AuthorizationEngine engine;

  /** A filter asking {@code engine}. */
  public AuthzFilter(AuthorizationEngine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /** The engine. */
  public AuthorizationEngine engine() {
    return engine;
  }

  @Override
  public Future<Void> onRequest(ProxyExchange exchange) {
    Decision decision = engine.decide(new ExchangeAuthzRequest(exchange), Instant.now());
    exchange.logDetail(LOG_DECISION, decision.summary());
    if (!decision.audits().isEmpty()) {
      exchange.logDetail(LOG_AUDIT, String.join("; ", decision.audits()));
    }
    if (decision.dryRun() != null) {
      exchange.logDetail(LOG_DRY_RUN, decision.dryRun());
    }
    if (decision.allowed()) {
      return CONTINUE;
    }
    return Future.failedFuture(new ProxyException(ErrorReason.AUTHZ_DENIED, decision.reason()));
  }
}
