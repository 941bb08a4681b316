package dev.crossgate.policy.server.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossgate.policy.codec.ConfigProblem;
import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.store.StoreDocuments.Head;
import dev.crossgate.policy.server.store.StoreDocuments.RevisionRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revision logic shared by every {@link PolicyStore}: planning a change, validating the whole
 * resulting state, committing it with one compare-and-set on the head, replaying history. The
 * storage underneath is a {@link RevisionLog}.
 *
 * <p>Commit order: the head (current state + the new revision's record) is replaced atomically;
 * only then are {@code rev/<n>} and, every {@code checkpointInterval} revisions, a checkpoint
 * written. If a writer dies between the two, the next writer copies the record out of the head
 * before moving it, so no revision record is ever lost.
 *
 * <p>All storage calls and validation run on Vert.x worker threads.
 */
abstract class RevisionedPolicyStore implements PolicyStore {

  /** Revisions between two full-state checkpoints; {@link #at} replays fewer change lists. */
  static final int DEFAULT_CHECKPOINT_INTERVAL = 16;

  private static final Logger LOG = LoggerFactory.getLogger(RevisionedPolicyStore.class);
  private static final int MAX_ATTEMPTS = 100;

  private final Vertx vertx;
  private final RevisionLog log;
  private final int checkpointInterval;
  private final Clock clock;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private volatile Head cachedHead = Head.initial();
  private volatile DecodedHead decodedHead;
  /** The head being written and its bundle: listeners told of it need not decode it again. */
  private volatile DecodedHead writing;

  /** A head and its decoded bundle. */
  private record DecodedHead(Head head, PolicyBundle bundle) {}

  /** Turns the current state into the change list of one commit. */
  @FunctionalInterface
  private interface Planner {
    SortedMap<ResourceKey, ObjectNode> plan(StoredState current, Instant now);
  }

  RevisionedPolicyStore(Vertx vertx, RevisionLog log, int checkpointInterval, Clock clock) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.log = requireNonNull(log, "log");
    this.clock = requireNonNull(clock, "clock");
    if (checkpointInterval < 1) {
      throw new IllegalArgumentException(
          "checkpointInterval: " + checkpointInterval + " (expected: >= 1)");
    }
    this.checkpointInterval = checkpointInterval;
    log.onHeadChanged(this::headChanged);
  }

  @Override
  public Future<ApplyResult> apply(
      ChangeSet changes, OptionalLong expectedRevision, String author, String message) {
    requireNonNull(changes, "changes");
    requireNonNull(expectedRevision, "expectedRevision");
    requireNonNull(author, "author");
    return blocking(() -> commit(planChangeSet(changes), expectedRevision, author, message, true));
  }

  @Override
  public Future<ApplyResult> preview(ChangeSet changes, OptionalLong expectedRevision) {
    requireNonNull(changes, "changes");
    requireNonNull(expectedRevision, "expectedRevision");
    return blocking(() -> commit(planChangeSet(changes), expectedRevision, "", "", false));
  }

  @Override
  public Future<ApplyResult> rollback(
      long toRevision, OptionalLong expectedRevision, String author) {
    requireNonNull(expectedRevision, "expectedRevision");
    requireNonNull(author, "author");
    return blocking(
        () -> {
          StoredState target = stateAt(toRevision, head());
          return commit(
              (current, now) -> changesBetween(current.resources(), target.resources()),
              expectedRevision,
              author,
              "rollback to revision " + toRevision,
              true);
        });
  }

  @Override
  public Future<Snapshot> current() {
    return blocking(
        () -> {
          DecodedHead decoded = decodedHead();
          return new Snapshot(decoded.head().state().number(), decoded.bundle());
        });
  }

  @Override
  public Future<Snapshot> at(long revision) {
    return blocking(
        () -> {
          Head head = head();
          if (revision == head.state().number()) {
            DecodedHead decoded = decodedHead();
            return new Snapshot(decoded.head().state().number(), decoded.bundle());
          }
          StoredState state = stateAt(revision, head);
          return new Snapshot(revision, decodeStored(state));
        });
  }

  @Override
  public Future<Revision> revision(long number) {
    return blocking(
        () -> {
          Head head = head();
          if (number < 0 || number > head.state().number()) {
            throw new NotFoundException("revision " + number);
          }
          return number == 0 ? Revision.initial() : record(number, head).revision();
        });
  }

  @Override
  public Future<List<Revision>> history(int limit, OptionalLong before) {
    if (limit < 1) {
      return Future.failedFuture(
          new IllegalArgumentException("limit: " + limit + " (expected: >= 1)"));
    }
    requireNonNull(before, "before");
    return blocking(
        () -> {
          Head head = head();
          long start = Math.min(head.state().number(), before.orElse(Long.MAX_VALUE) - 1);
          List<Revision> revisions = new ArrayList<>();
          for (long n = start; n >= 1 && revisions.size() < limit; n--) {
            revisions.add(record(n, head).revision());
          }
          return revisions;
        });
  }

  @Override
  public Future<List<ResourceDiff>> diff(long from, long to) {
    return blocking(
        () -> {
          Head head = head();
          StoredState a = stateAt(from, head);
          StoredState b = stateAt(to, head);
          return diffs(a.resources(), changesBetween(a.resources(), b.resources()));
        });
  }

  @Override
  public Future<Optional<Resource>> get(String kind, String namespace, String name) {
    ResourceKey key = new ResourceKey(kind, namespace, name);
    return blocking(
        () ->
            decodedHead().bundle().resources().stream()
                .filter(r -> ResourceKey.of(r).equals(key))
                .findFirst());
  }

  @Override
  public Future<Snapshot> list(String kind, String namespace, LabelSelector selector) {
    LabelSelector labels = selector == null ? LabelSelector.ALL : selector;
    return blocking(
        () -> {
          DecodedHead decoded = decodedHead();
          List<Resource> matching =
              decoded.bundle().resources().stream()
                  .filter(r -> kind == null || r.kind().equals(kind))
                  .filter(r -> namespace == null || r.metadata().namespace().equals(namespace))
                  .filter(labels::matches)
                  .toList();
          return new Snapshot(decoded.head().state().number(), new PolicyBundle(matching));
        });
  }

  @Override
  public AutoCloseable onRevision(Consumer<Revision> listener) {
    requireNonNull(listener, "listener");
    Subscriber subscriber =
        new Subscriber(
            vertx.getOrCreateContext(), listener, new AtomicLong(cachedHead.state().number()));
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  @Override
  public Future<Void> close() {
    subscribers.clear();
    return vertx.executeBlocking(
        () -> {
          log.close();
          return null;
        },
        false);
  }

  // ---- commit

  private ApplyResult commit(
      Planner planner, OptionalLong expected, String author, String message, boolean write) {
    for (int attempt = 1; ; attempt++) {
      Head head = head();
      long current = head.state().number();
      if (expected.isPresent() && expected.getAsLong() != current) {
        throw new RevisionConflictException(expected.getAsLong(), current);
      }
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      SortedMap<ResourceKey, ObjectNode> changes = planner.plan(head.state(), now);
      List<ResourceDiff> diffs = diffs(head.state().resources(), changes);
      if (changes.isEmpty()) {
        return new ApplyResult(head.state().revision(), false, List.of());
      }
      SortedMap<ResourceKey, ObjectNode> next = head.state().with(changes);
      Revision revision =
          new Revision(
              current + 1,
              now,
              author,
              message,
              count(diffs, ResourceDiff.Change.ADDED),
              count(diffs, ResourceDiff.Change.CHANGED),
              count(diffs, ResourceDiff.Change.REMOVED));
      PolicyBundle bundle = validate(revision.number(), head, changes, next);
      if (!write) {
        return new ApplyResult(head.state().revision(), true, diffs);
      }
      preserveLastRecord(head);
      String nextHead = StoreDocuments.head(revision, changes);
      writing = new DecodedHead(
          new Head(nextHead, new StoredState(revision, next), new RevisionRecord(revision, changes)),
          bundle);
      if (log.replaceHead(head.raw(), nextHead)) {
        log.writeRevision(revision.number(), StoreDocuments.record(revision, changes));
        StoredState state = new StoredState(revision, next);
        if (revision.number() % checkpointInterval == 0) {
          log.writeCheckpoint(revision.number(), StoreDocuments.checkpoint(state));
        }
        Head written = new Head(nextHead, state, new RevisionRecord(revision, changes));
        remember(written, bundle);
        LOG.info(
            "revision {} by {}: {} created, {} updated, {} deleted",
            revision.number(),
            author,
            revision.created(),
            revision.updated(),
            revision.deleted());
        return new ApplyResult(revision, true, diffs);
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new RevisionConflictException(current, head().state().number());
      }
    }
  }

  private Planner planChangeSet(ChangeSet changeSet) {
    return (current, now) -> {
      SortedMap<ResourceKey, ObjectNode> changes = new TreeMap<>();
      Set<ResourceKey> seen = new HashSet<>();
      List<ConfigProblem> problems = new ArrayList<>();
      for (Resource put : changeSet.puts()) {
        ResourceKey key = ResourceKey.of(put);
        if (!seen.add(key)) {
          problems.add(twice(key));
          continue;
        }
        ObjectNode json = StoreDocuments.resourceJson(put);
        ObjectNode existing = current.resources().get(key);
        ObjectNode metadata = json.withObjectProperty("metadata");
        if (!metadata.has("creationTimestamp")) {
          JsonNode created =
              existing == null ? null : existing.path("metadata").get("creationTimestamp");
          metadata.put("creationTimestamp", created == null ? now.toString() : created.asText());
        }
        if (!json.equals(existing)) {
          changes.put(key, json);
        }
      }
      for (ResourceKey key : changeSet.deletes()) {
        if (!seen.add(key)) {
          problems.add(twice(key));
        } else if (!current.resources().containsKey(key)) {
          throw new NotFoundException(key.ref());
        } else {
          changes.put(key, null);
        }
      }
      if (!problems.isEmpty()) {
        throw new InvalidPolicyException(problems);
      }
      return changes;
    };
  }

  private static ConfigProblem twice(ResourceKey key) {
    return new ConfigProblem(
        null, 0, key.ref(), null, "named twice in one batch (expected: each resource once)");
  }

  /** The changes that turn {@code from} into {@code to}. */
  private static SortedMap<ResourceKey, ObjectNode> changesBetween(
      Map<ResourceKey, ObjectNode> from, Map<ResourceKey, ObjectNode> to) {
    SortedMap<ResourceKey, ObjectNode> changes = new TreeMap<>();
    Set<ResourceKey> keys = new TreeSet<>(from.keySet());
    keys.addAll(to.keySet());
    for (ResourceKey key : keys) {
      if (!Objects.equals(from.get(key), to.get(key))) {
        changes.put(key, to.get(key));
      }
    }
    return changes;
  }

  private static List<ResourceDiff> diffs(
      Map<ResourceKey, ObjectNode> before, SortedMap<ResourceKey, ObjectNode> changes) {
    List<ResourceDiff> diffs = new ArrayList<>();
    changes.forEach(
        (key, after) -> {
          ObjectNode old = before.get(key);
          ResourceDiff.Change change =
              old == null
                  ? ResourceDiff.Change.ADDED
                  : after == null ? ResourceDiff.Change.REMOVED : ResourceDiff.Change.CHANGED;
          diffs.add(
              new ResourceDiff(
                  key,
                  change,
                  old == null ? null : old.toString(),
                  after == null ? null : after.toString()));
        });
    return diffs;
  }

  private static int count(List<ResourceDiff> diffs, ResourceDiff.Change change) {
    return (int) diffs.stream().filter(d -> d.change() == change).count();
  }

  /** The engine stores every listener protocol some data plane serves. */
  private static final dev.crossgate.policy.validation.ValidationOptions ENGINE_VALIDATION =
      dev.crossgate.policy.validation.ValidationOptions.ALL_LISTENER_PROTOCOLS;

  /**
   * Validates the state {@code changes} turn {@code head} into. When the head's decoded bundle is
   * at hand (it validated when it was written) only the changed resources are decoded, and only
   * they and what they can affect are checked again (same result as checking everything).
   * Its problems carry no source or line; the bundle is in key order, as a full decode gives.
   */
  private PolicyBundle validate(long revision, Head head,
      SortedMap<ResourceKey, ObjectNode> changes, SortedMap<ResourceKey, ObjectNode> next) {
    DecodedHead decoded = decodedHead;
    if (decoded == null || decoded.head().state().number() != head.state().number()) {
      return validated(load(revision, next));
    }
    List<Resource> kept = decoded.bundle().resources().stream()
        .filter(r -> !changes.containsKey(ResourceKey.of(r)))
        .toList();
    SortedMap<ResourceKey, ObjectNode> puts = new TreeMap<>();
    changes.forEach((key, json) -> {
      if (json != null) {
        puts.put(key, json);
      }
    });
    Set<String> replaced = new HashSet<>();
    changes.keySet().forEach(key -> replaced.add(key.ref()));
    PolicyBundle checked = validated(PolicyLoader.loadChange("revision-" + revision + ".json",
        StoreDocuments.array(puts), ENGINE_VALIDATION, kept, replaced));
    Map<ResourceKey, Resource> byKey = new java.util.HashMap<>();
    checked.resources().forEach(r -> byKey.put(ResourceKey.of(r), r));
    List<Resource> ordered = new ArrayList<>(next.size());
    next.keySet().forEach(key -> ordered.add(byKey.get(key)));
    return new PolicyBundle(ordered);
  }

  private static PolicyBundle validated(LoadResult result) {
    if (!result.ok()) {
      throw new InvalidPolicyException(
          result.problems().stream()
              .map(p -> new ConfigProblem(null, 0, p.resource(), p.path(), p.message()))
              .distinct()
              .toList());
    }
    return result.bundle();
  }

  private static LoadResult load(long revision, Map<ResourceKey, ObjectNode> resources) {
    if (resources.isEmpty()) {
      return LoadResult.of(new PolicyBundle(List.of()));
    }
    return PolicyLoader.loadString("revision-" + revision + ".json", StoreDocuments.array(resources),
        ENGINE_VALIDATION);
  }

  private static PolicyBundle decodeStored(StoredState state) {
    LoadResult result = load(state.number(), state.resources());
    if (!result.ok()) {
      // Written valid, so only a stricter validator can get here.
      throw new IllegalStateException(
          "revision " + state.number() + " no longer validates: " + result.problems());
    }
    return result.bundle();
  }

  // ---- reading

  private Head head() {
    String raw = log.readHead();
    Head cached = cachedHead;
    if (Objects.equals(cached.raw(), raw)) {
      return cached;
    }
    DecodedHead pending = writing;
    if (pending != null && pending.head().raw().equals(raw)) {
      return pending.head(); // this engine's own write, heard before its writer remembered it
    }
    Head parsed = withState(StoreDocuments.parseHead(raw), cached);
    if (parsed.state().number() > cached.state().number()) {
      cachedHead = parsed;
    }
    return parsed;
  }

  /**
   * {@code head} with its state: as the document held it (older heads), or the state before it
   * plus its changes. The state before is {@code previous} when that is the revision just before
   * (the usual case, also on the other engines of a cluster); otherwise it is replayed from the
   * checkpoint and records.
   */
  private Head withState(Head head, Head previous) {
    if (head.state() != null) {
      return head;
    }
    Revision revision = head.last().revision();
    StoredState before = previous.state().number() == revision.number() - 1
        ? previous.state() : replay(revision.number() - 1);
    return new Head(head.raw(), new StoredState(revision, before.with(head.last().changes())),
        head.last());
  }

  private DecodedHead decodedHead() {
    Head head = head();
    DecodedHead decoded = decodedHead;
    if (decoded != null && decoded.head().state().number() == head.state().number()) {
      return decoded;
    }
    DecodedHead pending = writing;
    if (pending != null && pending.head().raw().equals(head.raw())) {
      // Heard before its writer got to remember it (listeners run during the write).
      return pending;
    }
    DecodedHead fresh = new DecodedHead(head, decodeStored(head.state()));
    remember(head, fresh.bundle());
    return fresh;
  }

  private synchronized void remember(Head head, PolicyBundle bundle) {
    if (head.state().number() >= cachedHead.state().number()) {
      cachedHead = head;
    }
    if (decodedHead == null || head.state().number() > decodedHead.head().state().number()) {
      decodedHead = new DecodedHead(head, bundle);
    }
  }

  /** Copies the head's record to {@code rev/<n>} if its writer died before doing so. */
  private void preserveLastRecord(Head head) {
    long number = head.state().number();
    if (number > 0 && log.readRevision(number) == null) {
      // Usually its writer is just about to write it (same content); rarely it died first.
      LOG.debug("revision {} record missing; restoring it from the head", number);
      log.writeRevision(number, StoreDocuments.record(head.last().revision(), head.last().changes()));
    }
  }

  private RevisionRecord record(long number, Head head) {
    if (number == head.state().number()) {
      return head.last();
    }
    String raw = log.readRevision(number);
    if (raw == null) {
      throw new IllegalStateException("revision " + number + ": record missing from the store");
    }
    return StoreDocuments.parseRecord(raw);
  }

  private StoredState stateAt(long revision, Head head) {
    long current = head.state().number();
    if (revision < 0 || revision > current) {
      throw new NotFoundException("revision " + revision);
    }
    if (revision == current) {
      return head.state();
    }
    return replay(revision);
  }

  /**
   * The state of {@code revision}, which must be below the head's: the last checkpoint at or
   * below it plus the records after that (every revision below the head has its record, see
   * {@link #preserveLastRecord}).
   */
  private StoredState replay(long revision) {
    StoredState state = StoredState.initial();
    for (long base = revision / checkpointInterval * checkpointInterval;
        base > 0;
        base -= checkpointInterval) {
      String checkpoint = log.readCheckpoint(base);
      if (checkpoint != null) {
        state = StoreDocuments.parseCheckpoint(checkpoint);
        break;
      }
    }
    for (long n = state.number() + 1; n <= revision; n++) {
      String raw = log.readRevision(n);
      if (raw == null) {
        throw new IllegalStateException("revision " + n + ": record missing from the store");
      }
      RevisionRecord record = StoreDocuments.parseRecord(raw);
      state = new StoredState(record.revision(), state.with(record.changes()));
    }
    return state;
  }

  // ---- notification

  private record Subscriber(Context context, Consumer<Revision> listener, AtomicLong last) {

    void offer(Revision revision) {
      context.runOnContext(
          ignored -> {
            long seen = last.get();
            if (revision.number() > seen && last.compareAndSet(seen, revision.number())) {
              listener.accept(revision);
            }
          });
    }
  }

  private void headChanged(String raw) {
    if (raw == null || subscribers.isEmpty()) {
      return;
    }
    Revision revision;
    try {
      revision = StoreDocuments.revisionOfHead(raw);
    } catch (RuntimeException e) {
      LOG.warn("unreadable head in a change notification; ignored", e);
      return;
    }
    subscribers.forEach(s -> s.offer(revision));
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }
}
