package dev.crossgate.policy.server.store;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A {@link RevisionLog} in memory: for tests and single-process tools. */
final class InMemoryRevisionLog implements RevisionLog {

  private final Map<Long, String> revisions = new ConcurrentHashMap<>();
  private final Map<Long, String> checkpoints = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private String head;

  @Override
  public synchronized String readHead() {
    return head;
  }

  @Override
  public boolean replaceHead(String expected, String next) {
    synchronized (this) {
      if (!Objects.equals(head, expected)) {
        return false;
      }
      head = next;
    }
    listeners.forEach(listener -> listener.accept(next));
    return true;
  }

  @Override
  public String readRevision(long number) {
    return revisions.get(number);
  }

  @Override
  public void writeRevision(long number, String record) {
    revisions.put(number, record);
  }

  @Override
  public String readCheckpoint(long number) {
    return checkpoints.get(number);
  }

  @Override
  public void writeCheckpoint(long number, String state) {
    checkpoints.put(number, state);
  }

  @Override
  public void onHeadChanged(Consumer<String> listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    listeners.clear();
  }
}
