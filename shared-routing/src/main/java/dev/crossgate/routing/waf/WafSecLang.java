package dev.crossgate.routing.waf;

import dev.crossgate.policy.model.WafPolicy;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SecLang configuration a {@link WafPolicy} stands for: engine mode and request-body
 * settings (with ModSecurity's recommended body-processor rules), then the Core Rule Set
 * (its setup file, the paranoia level and anomaly thresholds, its rules), then the custom rules,
 * then the exclusions (which must follow the rules they remove). The text is also the key under
 * which compiled rule sets are shared and cached.
 */
final class WafSecLang {

  /** The default inbound anomaly threshold of the CRS. */
  static final int DEFAULT_INBOUND = 5;

  /** The default outbound anomaly threshold of the CRS. */
  static final int DEFAULT_OUTBOUND = 4;

  /**
   * ModSecurity's recommended body-processor rules: XML and JSON bodies by Content-Type (URL-
   * encoded and multipart are chosen by the engine itself), and a body that does not parse is
   * refused.
   */
  static final String BODY_PROCESSORS = """
      SecRule REQUEST_HEADERS:Content-Type "^(?:application(?:/soap\\+|/)|text/)xml" \\
          "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"
      SecRule REQUEST_HEADERS:Content-Type "^application/json" \\
          "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
      SecRule REQBODY_ERROR "!@eq 0" \\
          "id:200002,phase:2,t:none,log,deny,status:400,msg:'Failed to parse request body.'"
      """;

  private WafSecLang() {}

  /** The folder Include paths resolve against: the CRS folder, or the working directory. */
  static Path baseDir(WafPolicy.Spec spec) {
    return spec.crs() == null ? Path.of("").toAbsolutePath() : Path.of(spec.crs().path());
  }

  /** Whether the policy blocks (mode {@code block}) rather than only logging. */
  static boolean blocks(WafPolicy.Spec spec) {
    return "block".equals(spec.mode());
  }

  /** The configuration text of {@code spec}. */
  static String of(WafPolicy.Spec spec) {
    StringBuilder text = new StringBuilder();
    text.append("SecRuleEngine ").append(blocks(spec) ? "On" : "DetectionOnly").append('\n');
    WafPolicy.RequestBody body = spec.requestBody();
    boolean inspect = body == null || body.inspect() == null || body.inspect();
    text.append("SecRequestBodyAccess ").append(inspect ? "On" : "Off").append('\n');
    text.append("SecResponseBodyAccess Off\n");
    if (inspect) {
      int limit = body == null || body.limit() == null ? WafPolicy.RequestBody.DEFAULT_LIMIT
          : body.limit();
      boolean partial = body != null && "processPartial".equals(body.limitAction());
      text.append("SecRequestBodyLimit ").append(limit).append('\n');
      text.append("SecRequestBodyNoFilesLimit ").append(limit).append('\n');
      text.append("SecRequestBodyLimitAction ").append(partial ? "ProcessPartial" : "Reject")
          .append('\n');
      text.append(BODY_PROCESSORS);
    }
    if (spec.crs() != null) {
      Path crs = Path.of(spec.crs().path()).toAbsolutePath().normalize();
      Path setup = setupFile(crs);
      text.append("Include \"").append(setup).append("\"\n");
      int level = spec.crs().paranoiaLevel() == null ? 1 : spec.crs().paranoiaLevel();
      WafPolicy.AnomalyThresholds t = spec.anomalyThresholds();
      int inbound = t == null || t.inbound() == null ? DEFAULT_INBOUND : t.inbound();
      int outbound = t == null || t.outbound() == null ? DEFAULT_OUTBOUND : t.outbound();
      // CRS 4 reads blocking_paranoia_level, CRS 3 paranoia_level: set both.
      text.append("SecAction \"id:900000,phase:1,pass,t:none,nolog")
          .append(",setvar:tx.blocking_paranoia_level=").append(level)
          .append(",setvar:tx.paranoia_level=").append(level)
          .append(",setvar:tx.inbound_anomaly_score_threshold=").append(inbound)
          .append(",setvar:tx.outbound_anomaly_score_threshold=").append(outbound)
          .append("\"\n");
      text.append("Include \"").append(crs.resolve("rules").resolve("*.conf")).append("\"\n");
    }
    if (spec.customRules() != null && !spec.customRules().isBlank()) {
      text.append(spec.customRules());
      if (!spec.customRules().endsWith("\n")) {
        text.append('\n');
      }
    }
    for (WafPolicy.Exclusion exclusion : spec.exclusions()) {
      if (exclusion.targets().isEmpty()) {
        for (Integer id : exclusion.ruleIds()) {
          text.append("SecRuleRemoveById ").append(id).append('\n');
        }
        for (String tag : exclusion.tags()) {
          text.append("SecRuleRemoveByTag \"").append(quoted(tag)).append("\"\n");
        }
      } else {
        for (String target : exclusion.targets()) {
          for (Integer id : exclusion.ruleIds()) {
            text.append("SecRuleUpdateTargetById ").append(id).append(" \"!")
                .append(quoted(target)).append("\"\n");
          }
          for (String tag : exclusion.tags()) {
            text.append("SecRuleUpdateTargetByTag \"").append(quoted(tag)).append("\" \"!")
                .append(quoted(target)).append("\"\n");
          }
        }
      }
    }
    return text.toString();
  }

  /** Debian's modsecurity-crs keeps the setup file apart from the rules. */
  static final Path DEBIAN_SETUP = Path.of("/etc/modsecurity/crs/crs-setup.conf");

  /**
   * The CRS setup file: the folder's {@code crs-setup.conf}, else its
   * {@code crs-setup.conf.example}, else (Debian's package layout, rules in
   * /usr/share/modsecurity-crs) {@code /etc/modsecurity/crs/crs-setup.conf}.
   */
  static Path setupFile(Path crs) {
    if (Files.exists(crs.resolve("crs-setup.conf"))) {
      return crs.resolve("crs-setup.conf");
    }
    if (!Files.exists(crs.resolve("crs-setup.conf.example")) && Files.exists(DEBIAN_SETUP)) {
      return DEBIAN_SETUP;
    }
    return crs.resolve("crs-setup.conf.example");
  }

  private static String quoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
