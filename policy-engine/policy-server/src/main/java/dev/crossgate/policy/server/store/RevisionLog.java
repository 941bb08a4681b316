package dev.crossgate.policy.server.store;

import java.util.function.Consumer;

/**
 * The storage a {@link RevisionedPolicyStore} needs: a few string-valued keys and one atomic
 * compare-and-set. Implementations may block; they are only called from worker threads.
 */
interface RevisionLog extends AutoCloseable {

  /** The stored head document, or {@code null} before the first revision. */
  String readHead();

  /**
   * Replaces the head only when it still equals {@code expected} ({@code null}: only when there
   * is none). This is the point where concurrent writers, on any cluster member, are ordered.
   */
  boolean replaceHead(String expected, String next);

  /** The record of revision {@code number}, or {@code null}. */
  String readRevision(long number);

  void writeRevision(long number, String record);

  /** The full state checkpointed at revision {@code number}, or {@code null}. */
  String readCheckpoint(long number);

  void writeCheckpoint(long number, String state);

  /** Calls {@code listener} with every new head, written here or by another member. */
  void onHeadChanged(Consumer<String> listener);

  @Override
  void close();
}
