package dev.crossgate.cli;

/** The exit codes of {@code crossgate}, documented in the README and {@code docs/cli.md}. */
final class ExitCodes {

  /** Success. */
  static final int OK = 0;
  /** The configuration or the input is invalid (every problem is printed). */
  static final int INVALID_CONFIG = 1;
  /** The command line is wrong (picocli's own code for usage errors). */
  static final int USAGE = 2;
  /** Start-up failed for another reason (a port in use, for instance). */
  static final int START_FAILED = 3;
  /** The policy API could not be reached. */
  static final int UNREACHABLE = 4;
  /** The policy API refused the token (401). */
  static final int UNAUTHORIZED = 5;
  /** A stale {@code --if-match}: the current revision is another one (409). */
  static final int CONFLICT = 6;
  /** The resource or revision does not exist (404). */
  static final int NOT_FOUND = 7;
  /** The policy API failed or answered something unexpected (a 5xx, a non-JSON body). */
  static final int API_ERROR = 8;
  /** {@code inject}: a workload cannot carry the sidecar (no containers, host network, …). */
  static final int NOT_INJECTABLE = 9;
  /** {@code migrate}: the step is refused (more than one stage, or strict below weight 100). */
  static final int STEP_REFUSED = 10;
  /** {@code --wait}: a data plane refused (NACKed) the new revision; it keeps the old one. */
  static final int NACKED = 11;
  /** {@code --wait}: not every data plane confirmed the new revision (or the awaited
   * state, as a root rotation) within the timeout. */
  static final int NOT_CONVERGED = 12;

  private ExitCodes() {}
}
