package dev.crossgate.policy.server.migration;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.model.MeshMigration;
import dev.crossgate.policy.server.distribution.NodeRegistry;
import dev.crossgate.policy.server.migration.MigrationChanges.Change;
import dev.crossgate.policy.server.store.NotFoundException;
import dev.crossgate.policy.server.store.PolicyStore;
import dev.crossgate.policy.server.store.Snapshot;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's view of every migration: each service's stage and weight from the store, the
 * traffic its nodes report in heartbeats (kept per node, in memory, and in a cluster shared with
 * every engine), the counters at its last two changes, and a {@link MigrationVerdict}. Serves
 * {@code GET /api/v1/migrations} and {@code GET /api/v1/migrations/{namespace}/{service}}.
 */
public final class MigrationEvidence implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MigrationEvidence.class);

  private final PolicyStore store;
  private final Clock clock;
  private final TrafficBook book;
  private final MigrationChanges changes = new MigrationChanges();
  private AutoCloseable revisions;

  private MigrationEvidence(PolicyStore store, Clock clock, TrafficBook book) {
    this.store = store;
    this.clock = clock;
    this.book = book;
  }

  /**
   * Starts collecting: the traffic reports {@code nodes} receive, and every new revision of
   * {@code store} (to notice migration changes).
   *
   * @param cluster the engine's Infinispan cluster, to share reports with every engine; null for
   *     a single engine. Blocks while the shared cache starts: call it off the event loop.
   */
  public static MigrationEvidence start(PolicyStore store, NodeRegistry nodes, Clock clock,
      org.infinispan.manager.EmbeddedCacheManager cluster) {
    requireNonNull(clock, "clock");
    MigrationEvidence evidence = new MigrationEvidence(requireNonNull(store, "store"), clock,
        cluster == null ? new TrafficBook(clock) : TrafficBook.clustered(cluster, clock));
    requireNonNull(nodes, "nodes").onTraffic(evidence.book::record);
    evidence.revisions = store.onRevision(revision -> store.current()
        .onSuccess(current -> evidence.observe(current, false))
        .onFailure(e -> LOG.warn("migration evidence: cannot read revision {}: {}",
            revision.number(), e.toString())));
    store.current().onSuccess(current -> evidence.observe(current, true));
    return evidence;
  }

  private void observe(Snapshot snapshot, boolean initial) {
    changes.observe(snapshot.revision(), snapshot.bundle().ofKind(MeshMigration.class), initial,
        book, clock.instant());
  }

  /** Every migration (of {@code namespace}, or all when null) with its evidence. */
  public Future<JsonObject> list(String namespace) {
    return store.current().map(current -> {
      JsonArray items = new JsonArray();
      for (MeshMigration migration : current.bundle().ofKind(MeshMigration.class)) {
        if (namespace == null || namespace.equals(migration.serviceNamespace())) {
          items.add(status(current.revision(), migration));
        }
      }
      return new JsonObject().put("revision", current.revision()).put("migrations", items);
    });
  }

  /**
   * The evidence of the migration of service {@code namespace/name} (or, failing that, of the
   * MeshMigration named {@code name} in {@code namespace}).
   *
   * @return fails with {@link NotFoundException} naming the migrations there are
   */
  public Future<JsonObject> status(String namespace, String name) {
    return store.current().compose(current -> {
      List<MeshMigration> all = current.bundle().ofKind(MeshMigration.class);
      MeshMigration found = all.stream()
          .filter(m -> m.spec() != null && m.spec().service() != null
              && namespace.equals(m.serviceNamespace()) && name.equals(m.spec().service().name()))
          .findFirst()
          .or(() -> all.stream().filter(m -> namespace.equals(m.metadata().namespace())
              && name.equals(m.metadata().name())).findFirst())
          .orElse(null);
      if (found == null) {
        List<String> known = all.stream().filter(m -> m.spec() != null && m.spec().service() != null)
            .map(MigrationChanges::keyOf).sorted().toList();
        return Future.failedFuture(new NotFoundException("MeshMigration for service " + namespace
            + "/" + name + " (known: " + (known.isEmpty() ? "none" : String.join(", ", known))
            + ")"));
      }
      return Future.succeededFuture(status(current.revision(), found));
    });
  }

  private JsonObject status(long revision, MeshMigration migration) {
    String namespace = migration.serviceNamespace();
    String service = migration.spec().service().name();
    String key = MigrationChanges.keyOf(migration);
    Change last = changes.last(key);
    Change previous = changes.previous(key);
    Map<String, TrafficBook.NodeCounters> now = book.service(namespace, service);
    TrafficCounters after = EvidenceWindow.between(last == null ? Map.of() : last.atChange(), now);
    TrafficCounters before = last == null ? null
        : EvidenceWindow.between(previous == null ? Map.of() : previous.atChange(),
            last.atChange());
    String since = last == null ? "since this engine started"
        : "since the last change (revision " + last.revision() + ", " + last.from() + " → "
            + last.to() + ")";
    MeshMigration.Stage stage = migration.stage().orElse(MeshMigration.Stage.off);
    MigrationVerdict verdict = MigrationVerdict.judge(stage, since, before, after);
    var lastReport = book.lastReport(namespace, service);
    return new JsonObject()
        .put("namespace", namespace)
        .put("service", service)
        .put("migration", migration.metadata().qualifiedName())
        .put("stage", stage.name())
        .put("meshWeight", migration.effectiveMeshWeight())
        .put("revision", revision)
        .put("lastChange", last == null ? null : new JsonObject()
            .put("revision", last.revision())
            .put("time", last.time().toString())
            .put("from", last.from())
            .put("to", last.to()))
        .put("reportingNodes", now.size())
        .put("lastReport", lastReport == null ? null : lastReport.toString())
        .put("callers", callers(after))
        .put("policies", policies(after))
        .put("before", before == null ? null : window(before))
        .put("after", window(after))
        .put("verdict", new JsonObject()
            .put("nextStage", verdict.nextStage() == null ? null : verdict.nextStage().name())
            .put("safeToAdvance", verdict.safeToAdvance())
            .put("reasons", new JsonArray(verdict.reasons()))
            .put("notes", new JsonArray(verdict.notes())));
  }

  private static JsonArray callers(TrafficCounters window) {
    JsonArray callers = new JsonArray();
    window.callers().forEach((caller, counts) -> callers.add(new JsonObject()
        .put("caller", caller.name())
        .put("transport", caller.mtls() ? "mtls" : "plaintext")
        .put("requests", counts[TrafficCounters.REQUESTS])
        .put("errors", counts[TrafficCounters.ERRORS])
        .put("wouldDeny", counts[TrafficCounters.WOULD_DENY])
        .put("denied", counts[TrafficCounters.DENIED])
        .put("refusedPlaintext", counts[TrafficCounters.REFUSED])));
    return callers;
  }

  private static JsonArray policies(TrafficCounters window) {
    JsonArray policies = new JsonArray();
    window.policies().forEach((policy, counts) -> policies.add(new JsonObject()
        .put("policy", policy).put("wouldDeny", counts[0]).put("denied", counts[1])));
    return policies;
  }

  private static JsonObject window(TrafficCounters counters) {
    long requests = counters.total(TrafficCounters.REQUESTS);
    OptionalDouble rate = counters.errorRate();
    OptionalDouble p99 = counters.latencyMillis(0.99);
    return new JsonObject()
        .put("requests", requests)
        .put("mtls", counters.callers().entrySet().stream().filter(e -> e.getKey().mtls())
            .mapToLong(e -> e.getValue()[TrafficCounters.REQUESTS]).sum())
        .put("plaintext", counters.callers().entrySet().stream().filter(e -> !e.getKey().mtls())
            .mapToLong(e -> e.getValue()[TrafficCounters.REQUESTS]).sum())
        .put("errors", counters.total(TrafficCounters.ERRORS))
        .put("errorRate", rate.isPresent() ? rate.getAsDouble() : null)
        .put("wouldDeny", counters.total(TrafficCounters.WOULD_DENY))
        .put("denied", counters.total(TrafficCounters.DENIED))
        .put("p99Millis", p99.isPresent() && !Double.isInfinite(p99.getAsDouble())
            ? p99.getAsDouble() : null)
        .put("p99", p99.isPresent() ? MigrationVerdict.millis(p99.getAsDouble(),
            counters.lastBound()) : null);
  }

  /** Stops watching revisions. */
  @Override
  public void close() {
    try {
      if (revisions != null) {
        revisions.close();
      }
    } catch (Exception e) {
      LOG.debug("closing the revision subscription failed", e);
    }
  }
}
