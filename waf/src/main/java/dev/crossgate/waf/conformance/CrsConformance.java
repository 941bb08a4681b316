package dev.crossgate.waf.conformance;

import dev.crossgate.waf.WafEngine;
import dev.crossgate.waf.engine.Transaction;
import dev.crossgate.waf.rule.RuleSetBuilder;
import dev.crossgate.waf.seclang.SecLangParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replays a CRS release's own regression suite through the engine the way the CRS project does:
 * paranoia level 4, detection only, judged by the rule ids that were logged.
 */
public final class CrsConformance {

  /** ModSecurity's recommended base configuration plus the CRS test-suite settings (as Coraza runs them). */
  static final String BASE = """
      SecRuleEngine DetectionOnly
      SecRequestBodyAccess On
      SecResponseBodyAccess On
      SecRequestBodyLimit 13107200
      SecRequestBodyNoFilesLimit 131072
      SecRule REQUEST_HEADERS:Content-Type "^(?:application(?:/soap\\+|/)|text/)xml" \\
          "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"
      SecRule REQUEST_HEADERS:Content-Type "^application/json" \\
          "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
      SecRule REQBODY_ERROR "!@eq 0" \\
          "id:200002,phase:2,t:none,log,deny,status:400,msg:'Failed to parse request body.'"
      """;

  static final String TEST_SETTINGS = """
      SecAction "id:900005,phase:1,nolog,pass,ctl:ruleEngine=DetectionOnly,ctl:ruleRemoveById=910000,\\
          setvar:tx.blocking_paranoia_level=4,setvar:tx.crs_validate_utf8_encoding=1,\\
          setvar:tx.arg_name_length=100,setvar:tx.arg_length=400,setvar:tx.total_arg_length=64000,\\
          setvar:tx.max_num_args=255,setvar:tx.max_file_size=64100,setvar:tx.combined_file_sizes=65535"
      SecRule REQUEST_HEADERS:X-CRS-Test "@rx ^.*$" "id:999999,phase:1,pass,t:none,log,msg:'%{MATCHED_VAR}'"
      """;

  /** The settings CRS 3.3's regression README prescribes. */
  static final String TEST_SETTINGS_V3 = """
      SecAction "id:900005,phase:1,nolog,pass,ctl:ruleEngine=DetectionOnly,ctl:ruleRemoveById=910000,\\
          setvar:tx.paranoia_level=4,setvar:tx.crs_validate_utf8_encoding=1,\\
          setvar:tx.arg_name_length=100,setvar:tx.arg_length=400"
      """;

  /** Result of one test. */
  public record Outcome(CrsTestCase test, boolean passed, String reason) {
  }

  /** All outcomes plus per-family counts. */
  public record Report(List<Outcome> outcomes, int excluded) {
    /** Tests passed. */
    public int passed() {
      return (int) outcomes.stream().filter(Outcome::passed).count();
    }

    /** Family -> {passed, total}. */
    public Map<String, int[]> byFamily() {
      Map<String, int[]> m = new TreeMap<>();
      for (Outcome o : outcomes) {
        int[] c = m.computeIfAbsent(o.test().family(), k -> new int[2]);
        c[1]++;
        if (o.passed()) {
          c[0]++;
        }
      }
      return m;
    }

    /** The human table. */
    public String table() {
      StringBuilder sb = new StringBuilder();
      for (Map.Entry<String, int[]> e : byFamily().entrySet()) {
        sb.append(String.format("%-48s %5d / %5d  %5.1f%%%n", e.getKey(), e.getValue()[0], e.getValue()[1],
            100.0 * e.getValue()[0] / Math.max(1, e.getValue()[1])));
      }
      sb.append(String.format("%-48s %5d / %5d  %5.1f%%  (%d excluded)%n", "TOTAL", passed(), outcomes.size(),
          100.0 * passed() / Math.max(1, outcomes.size()), excluded));
      return sb.toString();
    }

    /** Failing tests, one per line, with the reason. */
    public String failures() {
      StringBuilder sb = new StringBuilder();
      for (Outcome o : outcomes) {
        if (!o.passed()) {
          sb.append(o.test().family()).append(' ').append(o.test().name()).append(": ").append(o.reason()).append('\n');
        }
      }
      return sb.toString();
    }
  }

  private CrsConformance() {
  }

  /** Compiles CRS from {@code crsDir} with the test-suite settings. */
  public static WafEngine engine(Path crsDir) {
    RuleSetBuilder b = new RuleSetBuilder();
    SecLangParser p = new SecLangParser(b);
    p.parse(BASE, "<base>", crsDir);
    Path setup = crsDir.resolve("crs-setup.conf.example");
    p.parseFile(setup);
    boolean v4;
    try {
      v4 = Files.readString(setup, java.nio.charset.StandardCharsets.ISO_8859_1).contains("blocking_paranoia_level");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    p.parse(v4 ? TEST_SETTINGS : TEST_SETTINGS_V3, "<test-settings>", crsDir);
    p.include(crsDir.resolve("rules").resolve("*.conf"));
    return WafEngine.of(b.build());
  }

  /** Runs the suite of {@code crsDir} (tests under {@code tests/regression/tests} or {@code tests/regression}). */
  public static Report run(Path crsDir) {
    return run(crsDir, null);
  }

  /** Runs the suite, replacing expectations where {@code overrides} (go-ftw overrides YAML, may be null) says so. */
  public static Report run(Path crsDir, Path overrides) {
    Map<String, CrsOverrides.Override> ov = CrsOverrides.load(overrides);
    WafEngine engine = engine(crsDir);
    Path tests = crsDir.resolve("tests/regression/tests");
    if (!Files.isDirectory(tests)) {
      tests = crsDir.resolve("tests/regression");
    }
    List<String> exclusions = exclusions(crsDir.resolve("tests/TESTS_EXCLUSIONS"));
    List<Outcome> outcomes = new ArrayList<>();
    int excluded = 0;
    String only = System.getProperty("crs.only");
    for (CrsTestCase t : CrsSuiteLoader.load(tests)) {
      if (only != null && !(t.family() + " " + t.name()).matches(".*(" + only + ").*")) {
        continue;
      }
      if (!t.judged() || exclusions.stream().anyMatch(x -> t.ruleId().startsWith(x))) {
        excluded++;
        continue;
      }
      CrsOverrides.Override o = ov.get(t.name());
      outcomes.add(runOne(engine, o == null ? t : o.applyTo(t)));
    }
    return new Report(outcomes, excluded);
  }

  static Outcome runOne(WafEngine engine, CrsTestCase t) {
    for (CrsTestCase.Stage s : t.stages()) {
      Set<Long> fired;
      if (HttpFraming.rejectedByServer(s.request())) {
        fired = Set.of();
      } else try {
        Transaction tx = engine.newTransaction();
        tx.processRequest(s.request());
        CrsTestCase.Response r = s.response();
        tx.processResponse(r.status(), "HTTP/1.1", r.headers(), r.body());
        fired = tx.matchedIds();
      } catch (RuntimeException e) {
        return new Outcome(t, false, "engine error: " + e);
      }
      List<Long> missing = s.expect().stream().filter(id -> !fired.contains(id)).toList();
      List<Long> unwanted = s.noExpect().stream().filter(fired::contains).toList();
      if (!missing.isEmpty() || !unwanted.isEmpty()) {
        return new Outcome(t, false, (missing.isEmpty() ? "" : "expected " + missing + " not logged; ")
            + (unwanted.isEmpty() ? "" : "unexpected " + unwanted + " logged; ") + "fired " + fired);
      }
    }
    return new Outcome(t, true, "");
  }

  static List<String> exclusions(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return Files.readAllLines(file).stream().map(String::trim)
          .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Command line: {@code CrsConformance <crs-dir> [failures-file]} prints the per-family table. */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: CrsConformance <crs-release-dir> [failures-file [overrides.yaml]]");
      System.exit(2);
    }
    Report r = run(Path.of(args[0]), args.length > 2 ? Path.of(args[2]) : null);
    System.out.print(r.table());
    if (args.length > 1) {
      Files.writeString(Path.of(args[1]), r.failures());
    }
  }
}
