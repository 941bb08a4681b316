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
  /** {@code --wait}: the awaited state was not reached in time (the work goes on). */
  static final int WAIT_TIMED_OUT = 10;

  private ExitCodes() {}
}
