package dev.crossgate.waf.engine;

import java.util.List;

/**
 * A logged rule match: what an audit log line records.
 *
 * @param ruleId id of the rule (chain starter)
 * @param phase phase it ran in
 * @param message expanded msg
 * @param logdata expanded logdata
 * @param matchedVarName name of the last matched variable
 * @param matchedVar last matched value (transformed)
 * @param severity severity or null
 * @param tags rule tags
 */
public record MatchEvent(long ruleId, int phase, String message, String logdata, String matchedVarName,
    String matchedVar, String severity, List<String> tags) {
}
