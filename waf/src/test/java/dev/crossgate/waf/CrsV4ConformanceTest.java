package dev.crossgate.waf;

import org.junit.jupiter.api.Test;

/**
 * Replays CRS v4.28.0's regression suite (paranoia 4, detection only, judged by logged rule ids).
 * Runs only in the crs-conformance profile, which Maven activates when the corpora folder exists.
 */
class CrsV4ConformanceTest {

  @Test
  void passCountDoesNotDropBelowBaseline() throws Exception {
    CrsConformanceSupport.replay("crs-v4.28.0", "crs-v4");
  }
}
