package dev.crossgate.waf;

import org.junit.jupiter.api.Test;

/** Replays CRS v3.3.4's regression suite (legacy FTW format), same rules as {@link CrsV4ConformanceTest}. */
class CrsV3ConformanceTest {

  @Test
  void passCountDoesNotDropBelowBaseline() throws Exception {
    CrsConformanceSupport.replay("crs-v3.3.4", "crs-v3");
  }
}
