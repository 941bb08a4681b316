package dev.crossgate.policy.server.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * The metadata of one revision: an accepted batch of changes.
 *
 * @param number the revision number; 1 for the first batch, 0 for the empty initial state
 * @param time when the revision was stored
 * @param author who applied it (the API credential's name)
 * @param message the message given with the change; may be empty
 * @param created how many resources the revision created
 * @param updated how many resources it changed
 * @param deleted how many resources it deleted
 */
public record Revision(
    long number, Instant time, String author, String message, int created, int updated, int deleted) {

  /** The author of revision 0. */
  public static final String SYSTEM = "system";

  public Revision {
    if (number < 0) {
      throw new IllegalArgumentException("number: " + number + " (expected: >= 0)");
    }
    requireNonNull(time, "time");
    requireNonNull(author, "author");
    message = message == null ? "" : message;
  }

  /** Revision 0: the empty state before anything was applied. */
  public static Revision initial() {
    return new Revision(0, Instant.EPOCH, SYSTEM, "empty initial state", 0, 0, 0);
  }
}
