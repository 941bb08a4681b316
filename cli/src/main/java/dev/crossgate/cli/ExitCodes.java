package dev.crossgate.cli;

/** The exit codes of {@code crossgate}, documented in the README. */
final class ExitCodes {

  /** Success. */
  static final int OK = 0;
  /** The configuration is invalid. */
  static final int INVALID_CONFIG = 1;
  /** The command line is wrong (picocli's own code for usage errors). */
  static final int USAGE = 2;
  /** Start-up failed for another reason (a port in use, for instance). */
  static final int START_FAILED = 3;

  private ExitCodes() {}
}
