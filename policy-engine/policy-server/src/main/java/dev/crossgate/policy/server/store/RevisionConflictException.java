package dev.crossgate.policy.server.store;

/** The caller expected another revision to be current; nothing was written. */
public final class RevisionConflictException extends PolicyStoreException {

  private final long expected;
  private final long current;

  public RevisionConflictException(long expected, long current) {
    super("expected revision " + expected + " but the current revision is " + current);
    this.expected = expected;
    this.current = current;
  }

  /** The revision the caller expected. */
  public long expected() {
    return expected;
  }

  /** The revision that is current. */
  public long current() {
    return current;
  }
}
