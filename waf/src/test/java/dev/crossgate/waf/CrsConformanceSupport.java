package dev.crossgate.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.waf.conformance.CrsConformance;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared body of the CRS conformance tests: run, print, write failures, compare to the baseline. */
final class CrsConformanceSupport {

  private CrsConformanceSupport() {
  }

  static void replay(String release, String name) throws Exception {
    Path corpora = Path.of(System.getProperty("crossgate.corpora", "../../shared/corpora"));
    // every input a literal prefilter turns away is checked against the regex too
    dev.crossgate.waf.regex.WafRegex.verifyPrefilters(true);
    CrsConformance.Report report;
    try {
      report = CrsConformance.run(corpora.resolve(release),
          Path.of("conformance/crossgate-overrides.yaml"));
    } finally {
      dev.crossgate.waf.regex.WafRegex.verifyPrefilters(false);
    }
    System.out.println("== " + release);
    System.out.print(report.table());
    Files.writeString(Path.of("conformance/" + name + "-failures.txt"), report.failures());
    int baseline = Integer.parseInt(Files.readString(Path.of("conformance/" + name + "-baseline.txt")).trim());
    assertThat(report.failures()).as("unsound literal prefilters")
        .doesNotContain("literal prefilter rejected");
    assertThat(report.passed()).as("%s tests passed (baseline %d)", release, baseline).isGreaterThanOrEqualTo(baseline);
  }
}
