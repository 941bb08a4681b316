package dev.crossgate.routing.waf;

import dev.crossgate.waf.engine.MatchEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WAF audit log: one JSON line per rule match on the {@code crossgate.waf.audit} logger
 * (request id, policy, mode, rule id, message, matched variable and data, anomaly score).
 */
final class WafAudit {

  /** The logger audit lines are written to. */
  static final String LOGGER = "crossgate.waf.audit";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private WafAudit() {}

  /** The audit line of one match. */
  static JsonObject line(String requestId, String policy, String mode, MatchEvent match,
      int anomalyScore) {
    return new JsonObject()
        .put("request_id", requestId)
        .put("policy", policy)
        .put("mode", mode)
        .put("rule_id", match.ruleId())
        .put("phase", match.phase())
        .put("msg", match.message())
        .put("data", match.logdata())
        .put("matched_var_name", match.matchedVarName())
        .put("matched_var", match.matchedVar())
        .put("severity", match.severity())
        .put("tags", new JsonArray(match.tags()))
        .put("anomaly_score", anomalyScore);
  }

  /** Writes one line. */
  static void write(JsonObject line) {
    LOG.warn(line.encode());
  }
}
