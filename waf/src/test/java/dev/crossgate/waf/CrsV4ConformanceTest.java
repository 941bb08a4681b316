package dev.crossgate.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.waf.conformance.CrsConformance;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Replays CRS v4.28.0's regression suite (paranoia 4, detection only, judged by logged rule ids).
 * Runs only in the crs-conformance profile, which Maven activates when the corpora folder exists.
 */
class CrsV4ConformanceTest {

  @Test
  void passCountDoesNotDropBelowBaseline() throws Exception {
    Path corpora = Path.of(System.getProperty("crossgate.corpora", "../../shared/corpora"));
    Path crs = corpora.resolve("crs-v4.28.0");
    CrsConformance.Report report = CrsConformance.run(crs);
    System.out.print(report.table());
    Files.writeString(Path.of("conformance/crs-v4-failures.txt"), report.failures());
    int baseline = Integer.parseInt(Files.readString(Path.of("conformance/crs-v4-baseline.txt")).trim());
    assertThat(report.passed()).as("CRS v4 tests passed (baseline %d)", baseline).isGreaterThanOrEqualTo(baseline);
  }
}
