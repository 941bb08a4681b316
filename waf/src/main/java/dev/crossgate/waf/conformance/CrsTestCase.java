package dev.crossgate.waf.conformance;

import dev.crossgate.waf.engine.HttpRequestData;
import java.util.List;
import java.util.Set;

/**
 * One regression test: stages of a request and the rule ids that must / must not fire.
 *
 * @param family rule file family (test directory name)
 * @param ruleId the rule under test
 * @param testId test id (v4) or title (v3)
 * @param stages stages in order
 */
public record CrsTestCase(String family, String ruleId, String testId, List<Stage> stages) {

  /**
   * A request and its expectations.
   *
   * @param request request to replay
   * @param expect ids that must be logged
   * @param noExpect ids that must not be logged
   * @param response response to replay (null for none)
   */
  public record Stage(HttpRequestData request, Set<Long> expect, Set<Long> noExpect, Response response) {
  }

  /** A response (from go-ftw's /reflect convention). */
  public record Response(int status, List<java.util.Map.Entry<String, String>> headers, byte[] body) {
  }

  /** Display name {@code 942100-1}. */
  public String name() {
    return ruleId + "-" + testId;
  }

  /** True when some stage has an expectation on rule ids. */
  public boolean judged() {
    return stages.stream().anyMatch(s -> !s.expect().isEmpty() || !s.noExpect().isEmpty());
  }
}
