package dev.crossgate.sidecar.health;

import static java.util.Objects.requireNonNull;

/**
 * One probe of the app: how it ended, and why it failed.
 *
 * @param outcome how the probe ended
 * @param reason why it failed (e.g. {@code status 503}, {@code timeout after 1000 ms},
 *     {@code connection refused}); empty on success
 */
record ProbeResult(Outcome outcome, String reason) {

  /** How a probe ended; the label of the probe counter. */
  enum Outcome {
    /** A 2xx answer, or a TCP connection. */
    SUCCESS,
    /** An answer that is not a 2xx. */
    STATUS,
    /** No answer (or no connection) within the timeout. */
    TIMEOUT,
    /** Nothing listens on the app port. */
    REFUSED,
    /** Any other failure (reset, protocol error). */
    ERROR;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  static final ProbeResult SUCCESS = new ProbeResult(Outcome.SUCCESS, "");

  ProbeResult {
    requireNonNull(outcome, "outcome");
    requireNonNull(reason, "reason");
  }

  boolean success() {
    return outcome == Outcome.SUCCESS;
  }

  /** The result of a probe that failed with {@code cause}. */
  static ProbeResult failed(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException) {
        String message = String.valueOf(t.getMessage());
        return message.toLowerCase(java.util.Locale.ROOT).contains("refused")
            ? new ProbeResult(Outcome.REFUSED, "connection refused")
            : new ProbeResult(Outcome.ERROR, "cannot connect: " + message);
      }
    }
    return new ProbeResult(Outcome.ERROR, cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
  }
}
