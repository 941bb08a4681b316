package dev.crossgate.policy.server.store;

import static dev.crossgate.policy.server.store.TestPolicies.base;
import static dev.crossgate.policy.server.store.TestPolicies.gateway;
import static dev.crossgate.policy.server.store.TestPolicies.load;
import static dev.crossgate.policy.server.store.TestPolicies.route;
import static dev.crossgate.policy.server.store.TestPolicies.service;
import static dev.crossgate.policy.server.store.TestPolicies.withBase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.ConfigProblem;
import dev.crossgate.policy.model.Resource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link PolicyStore} must do; one subclass per implementation. */
abstract class PolicyStoreContractTest {

  static final OptionalLong ANY = OptionalLong.empty();
  static final int CHECKPOINT_INTERVAL = 3;

  Vertx vertx;
  PolicyStore store;

  /** A new, empty store checkpointing every {@code checkpointInterval} revisions. */
  abstract PolicyStore newStore(Vertx vertx, int checkpointInterval) throws Exception;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    store = newStore(vertx, CHECKPOINT_INTERVAL);
  }

  @AfterEach
  void stop() throws Exception {
    if (store != null) {
      await(store.close());
    }
    await(vertx.close());
  }

  @Test
  void anEmptyStoreIsAtRevisionZero() throws Exception {
    Snapshot current = await(store.current());
    assertThat(current.revision()).isZero();
    assertThat(current.bundle().resources()).isEmpty();
    assertThat(await(store.history(10, ANY))).isEmpty();
    assertThat(await(store.revision(0))).isEqualTo(Revision.initial());
  }

  @Test
  void applyMakesARevisionWithAuthorMessageAndCounts() throws Exception {
    ApplyResult result = await(store.apply(ChangeSet.puts(base()), ANY, "admin", "first"));

    assertThat(result.changed()).isTrue();
    Revision revision = result.revision();
    assertThat(revision.number()).isEqualTo(1);
    assertThat(revision.author()).isEqualTo("admin");
    assertThat(revision.message()).isEqualTo("first");
    assertThat(revision.created()).isEqualTo(3);
    assertThat(revision.updated()).isZero();
    assertThat(revision.deleted()).isZero();
    assertThat(result.changes())
        .extracting(d -> d.key().toString())
        .containsExactly("Gateway/shop/edge", "Service/shop/orders", "Service/shop/users");
    Snapshot current = await(store.current());
    assertThat(current.revision()).isEqualTo(1);
    assertThat(current.bundle().resources()).hasSize(3);
    assertThat(await(store.revision(1))).isEqualTo(revision);
  }

  @Test
  void storedResourcesGetACreationTimestampThatUpdatesKeep() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));
    Resource created = await(store.get("Service", "shop", "users")).orElseThrow();
    assertThat(created.metadata().creationTimestamp()).isNotNull();

    await(store.apply(ChangeSet.puts(load(service("users", 9100))), ANY, "admin", ""));

    Resource updated = await(store.get("Service", "shop", "users")).orElseThrow();
    assertThat(updated).isNotEqualTo(created);
    assertThat(updated.metadata().creationTimestamp())
        .isEqualTo(created.metadata().creationTimestamp());
  }

  @Test
  void aBatchThatChangesNothingMakesNoRevision() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));

    ApplyResult again = await(store.apply(ChangeSet.puts(base()), ANY, "admin", "again"));

    assertThat(again.changed()).isFalse();
    assertThat(again.revision().number()).isEqualTo(1);
    assertThat(again.changes()).isEmpty();
    assertThat(await(store.history(10, ANY))).hasSize(1);
  }

  @Test
  void updatesAndDeletesAreCountedInOneRevision() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));
    List<Resource> puts = load(service("users", 9100), service("payments", 9003));

    ApplyResult result =
        await(
            store.apply(
                new ChangeSet(puts, List.of(new ResourceKey("Service", "shop", "orders"))),
                OptionalLong.of(1),
                "admin",
                "mixed"));

    assertThat(result.revision().number()).isEqualTo(2);
    assertThat(result.revision().created()).isEqualTo(1);
    assertThat(result.revision().updated()).isEqualTo(1);
    assertThat(result.revision().deleted()).isEqualTo(1);
    assertThat(await(store.get("Service", "shop", "orders"))).isEmpty();
    assertThat(await(store.get("Service", "shop", "payments"))).isPresent();
  }

  @Test
  void anInvalidResultingStateIsRefusedWithEveryProblemAndNothingIsWritten() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));
    Resource toMissing = withBase(route("ghost", "/ghost", "users"));
    // Point the route at services that do not exist by removing users, and add a second bad route.
    ChangeSet changes =
        new ChangeSet(
            List.of(toMissing), List.of(new ResourceKey("Service", "shop", "users")));

    Throwable failure = failure(store.apply(changes, ANY, "admin", "bad"));

    assertThat(failure).isInstanceOf(InvalidPolicyException.class);
    List<ConfigProblem> problems = ((InvalidPolicyException) failure).problems();
    assertThat(problems).isNotEmpty();
    assertThat(problems).allSatisfy(p -> assertThat(p.resource()).isEqualTo("HTTPRoute shop/ghost"));
    assertThat(problems.toString()).contains("users");
    assertThat(await(store.current()).revision()).isEqualTo(1);
    assertThat(await(store.get("Service", "shop", "users"))).isPresent();
    assertThat(await(store.get("HTTPRoute", "shop", "ghost"))).isEmpty();
  }

  @Test
  void deletingAResourceOthersReferToIsRefused() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));
    await(store.apply(ChangeSet.puts(withBase(route("users", "/users", "users"))), ANY, "admin", ""));

    Throwable failure =
        failure(
            store.apply(
                ChangeSet.deletes(new ResourceKey("Service", "shop", "users")), ANY, "admin", ""));

    assertThat(failure).isInstanceOf(InvalidPolicyException.class);
    assertThat(((InvalidPolicyException) failure).problems())
        .anySatisfy(p -> assertThat(p.resource()).isEqualTo("HTTPRoute shop/users"));
    assertThat(await(store.current()).revision()).isEqualTo(2);
  }

  @Test
  void aChangedRouteThatNowConflictsWithAnUnchangedRouteIsRefused() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));
    await(store.apply(
        ChangeSet.puts(withBase(route("a", "/a", "users")), withBase(route("b", "/b", "orders"))),
        ANY, "admin", ""));

    Throwable failure =
        failure(store.apply(ChangeSet.puts(withBase(route("b", "/a", "orders"))), ANY, "admin", ""));

    assertThat(failure).isInstanceOf(InvalidPolicyException.class);
    assertThat(((InvalidPolicyException) failure).problems())
        .extracting(ConfigProblem::toString)
        .containsExactly(
            "HTTPRoute shop/a: spec.rules[0].matches[0]: conflicts with HTTPRoute shop/b"
                + " spec.rules[0].matches[0] (revision-3.json:1): both match PathPrefix /a for host"
                + " * (expected:"
                + " matches that differ in hostname, path, method, headers or query parameters on"
                + " the same gateway)");
    assertThat(await(store.current()).revision()).isEqualTo(2);
  }

  @Test
  void deletingARouteAPolicyTargetsIsRefusedNamingThePolicy() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));
    String policy = """
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: no-admin, namespace: shop}
        spec:
          targetRefs: [{kind: HTTPRoute, name: a}]
          action: DENY
          rules: [{to: [{operation: {paths: [/a/admin]}}]}]
        """;
    List<Resource> batch = load(gateway(), service("users", 9001), service("orders", 9002),
        route("a", "/a", "users"), route("b", "/b", "orders"), policy);
    await(store.apply(ChangeSet.puts(batch.subList(3, 6)), ANY, "admin", ""));

    Throwable failure =
        failure(store.apply(
            ChangeSet.deletes(new ResourceKey("HTTPRoute", "shop", "a")), ANY, "admin", ""));

    assertThat(failure).isInstanceOf(InvalidPolicyException.class);
    assertThat(((InvalidPolicyException) failure).problems())
        .extracting(ConfigProblem::toString)
        .containsExactly(
            "AuthorizationPolicy shop/no-admin: spec.targetRefs[0].name: a (expected: an existing"
                + " HTTPRoute in namespace shop; known: b)");
    assertThat(await(store.get("HTTPRoute", "shop", "a"))).isPresent();
  }

  @Test
  void aResourceNamedTwiceInOneBatchIsRefused() throws Exception {
    Throwable failure =
        failure(
            store.apply(
                ChangeSet.puts(load(service("users", 1)).get(0), load(service("users", 2)).get(0)),
                ANY,
                "admin",
                ""));

    assertThat(failure).isInstanceOf(InvalidPolicyException.class);
    assertThat(failure.getMessage()).contains("Service shop/users").contains("twice");
  }

  @Test
  void aStaleExpectedRevisionIsAConflictNamingTheCurrentOne() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));
    await(store.apply(ChangeSet.puts(load(service("users", 9100))), ANY, "admin", ""));

    Throwable failure =
        failure(store.apply(ChangeSet.puts(load(service("users", 9200))), OptionalLong.of(1), "admin", ""));

    assertThat(failure).isInstanceOf(RevisionConflictException.class);
    assertThat(((RevisionConflictException) failure).current()).isEqualTo(2);
    assertThat(((RevisionConflictException) failure).expected()).isEqualTo(1);
    assertThat(await(store.current()).revision()).isEqualTo(2);
  }

  @Test
  void deletingAMissingResourceIsNotFound() throws Exception {
    Throwable failure =
        failure(
            store.apply(
                ChangeSet.deletes(new ResourceKey("Service", "shop", "nope")), ANY, "admin", ""));

    assertThat(failure).isInstanceOf(NotFoundException.class).hasMessageContaining("Service shop/nope");
  }

  @Test
  void previewValidatesAndDiffsButWritesNothing() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));

    ApplyResult preview = await(store.preview(ChangeSet.puts(load(service("users", 9100))), ANY));

    assertThat(preview.changed()).isTrue();
    assertThat(preview.revision().number()).isEqualTo(1);
    assertThat(preview.changes()).singleElement()
        .satisfies(d -> {
          assertThat(d.change()).isEqualTo(ResourceDiff.Change.CHANGED);
          assertThat(d.before()).contains("9001");
          assertThat(d.after()).contains("9100");
        });
    assertThat(await(store.current()).revision()).isEqualTo(1);
    assertThat(failure(store.preview(
        ChangeSet.deletes(new ResourceKey("Service", "shop", "nope")), ANY)))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void listFiltersByKindNamespaceAndLabels() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));
    await(store.apply(ChangeSet.puts(withBase(route("users", "/users", "users"))), ANY, "admin", ""));

    assertThat(await(store.list("Service", null, null)).bundle().resources()).hasSize(2);
    assertThat(await(store.list(null, "shop", null)).bundle().resources()).hasSize(4);
    assertThat(await(store.list(null, "other", null)).bundle().resources()).isEmpty();
    Snapshot selected = await(store.list(null, null, LabelSelector.parse("app=users,tier=backend")));
    assertThat(selected.revision()).isEqualTo(2);
    assertThat(selected.bundle().resources())
        .extracting(r -> ResourceKey.of(r).toString())
        .containsExactly("Service/shop/users");
    assertThat(await(store.list("HTTPRoute", "shop", LabelSelector.parse("team=web")))
        .bundle().resources()).hasSize(1);
  }

  @Test
  void everyRevisionCanBeReadBackThroughCheckpointsAndReplay() throws Exception {
    List<Snapshot> seen = new ArrayList<>();
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));
    seen.add(await(store.current()));
    for (int port = 9100; port < 9108; port++) {
      await(store.apply(ChangeSet.puts(load(service("users", port))), ANY, "admin", "port " + port));
      seen.add(await(store.current()));
    }

    assertThat(await(store.current()).revision()).isEqualTo(9);
    for (Snapshot snapshot : seen) {
      assertThat(await(store.at(snapshot.revision()))).isEqualTo(snapshot);
    }
    assertThat(await(store.at(0)).bundle().resources()).isEmpty();
    assertThat(failure(store.at(10))).isInstanceOf(NotFoundException.class);
    assertThat(failure(store.at(-1))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void historyIsNewestFirstWithLimitAndBefore() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", "r1"));
    for (int port = 9100; port < 9104; port++) {
      await(store.apply(ChangeSet.puts(load(service("users", port))), ANY, "admin", "r" + (port - 9098)));
    }

    assertThat(await(store.history(10, ANY))).extracting(Revision::number).containsExactly(5L, 4L, 3L, 2L, 1L);
    assertThat(await(store.history(2, ANY))).extracting(Revision::message).containsExactly("r5", "r4");
    assertThat(await(store.history(2, OptionalLong.of(4)))).extracting(Revision::number).containsExactly(3L, 2L);
    assertThat(await(store.history(10, OptionalLong.of(1)))).isEmpty();
  }

  @Test
  void diffNamesAddedRemovedAndChangedWithBothSides() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));
    await(
        store.apply(
            new ChangeSet(
                load(service("users", 9100), service("payments", 9003)),
                List.of(new ResourceKey("Service", "shop", "orders"))),
            ANY,
            "admin",
            ""));

    List<ResourceDiff> diff = await(store.diff(1, 2));

    assertThat(diff).extracting(d -> d.key() + " " + d.change())
        .containsExactly(
            "Service/shop/orders REMOVED", "Service/shop/payments ADDED", "Service/shop/users CHANGED");
    assertThat(diff.get(0).before()).contains("9002");
    assertThat(diff.get(0).after()).isNull();
    assertThat(diff.get(1).before()).isNull();
    assertThat(diff.get(1).after()).contains("9003");
    assertThat(diff.get(2).before()).contains("9001");
    assertThat(diff.get(2).after()).contains("9100");
    assertThat(await(store.diff(2, 1))).extracting(d -> d.key() + " " + d.change())
        .containsExactly(
            "Service/shop/orders ADDED", "Service/shop/payments REMOVED", "Service/shop/users CHANGED");
    assertThat(await(store.diff(0, 2))).hasSize(3).allSatisfy(d -> assertThat(d.change()).isEqualTo(ResourceDiff.Change.ADDED));
    assertThat(await(store.diff(2, 2))).isEmpty();
  }

  @Test
  void rollbackMakesANewRevisionWithTheOldState() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));
    Snapshot first = await(store.current());
    await(store.apply(ChangeSet.puts(load(service("users", 9100))), ANY, "admin", ""));
    await(store.apply(ChangeSet.deletes(new ResourceKey("Service", "shop", "orders")), ANY, "admin", ""));

    ApplyResult rollback = await(store.rollback(1, ANY, "alice"));

    assertThat(rollback.changed()).isTrue();
    assertThat(rollback.revision().number()).isEqualTo(4);
    assertThat(rollback.revision().author()).isEqualTo("alice");
    assertThat(rollback.revision().message()).isEqualTo("rollback to revision 1");
    assertThat(rollback.revision().created()).isEqualTo(1);
    assertThat(rollback.revision().updated()).isEqualTo(1);
    assertThat(await(store.current()).bundle()).isEqualTo(first.bundle());
    assertThat(await(store.diff(1, 4))).isEmpty();
    assertThat(await(store.rollback(1, ANY, "alice")).changed()).isFalse();
    assertThat(failure(store.rollback(99, ANY, "alice"))).isInstanceOf(NotFoundException.class);
    assertThat(failure(store.rollback(2, OptionalLong.of(3), "alice")))
        .isInstanceOf(RevisionConflictException.class);
  }

  @Test
  void listenersHearNewRevisions() throws Exception {
    List<Long> heard = new CopyOnWriteArrayList<>();
    AutoCloseable registration = store.onRevision(r -> heard.add(r.number()));
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));
    await(store.apply(ChangeSet.puts(load(service("users", 9100))), ANY, "admin", ""));

    eventually(() -> assertThat(heard).endsWith(2L));
    assertThat(heard).isSorted().doesNotHaveDuplicates();

    registration.close();
    await(store.apply(ChangeSet.puts(load(service("users", 9200))), ANY, "admin", ""));
    Thread.sleep(200);
    assertThat(heard).doesNotContain(3L);
  }

  @Test
  void concurrentWritersNeverLoseAnUpdate() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));
    List<Future<ApplyResult>> writes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      writes.add(store.apply(ChangeSet.puts(load(service("svc-" + i, 9000 + i))), ANY, "w" + i, ""));
    }
    List<Long> numbers = new ArrayList<>();
    for (Future<ApplyResult> write : writes) {
      numbers.add(await(write).revision().number());
    }

    assertThat(numbers).doesNotHaveDuplicates().allMatch(n -> n >= 2 && n <= 13);
    assertThat(await(store.current()).bundle().resources()).hasSize(15);
    assertThat(await(store.history(20, ANY))).hasSize(13);
  }

  @Test
  void ofConcurrentWritersExpectingTheSameRevisionExactlyOneWins() throws Exception {
    await(store.apply(ChangeSet.puts(base()), ANY, "admin", ""));
    List<Future<ApplyResult>> writes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      writes.add(store.apply(ChangeSet.puts(load(service("users", 9100 + i))), OptionalLong.of(1), "w" + i, ""));
    }
    int won = 0;
    int conflicts = 0;
    for (Future<ApplyResult> write : writes) {
      Throwable failure = failure(write, true);
      if (failure == null) {
        won++;
      } else {
        assertThat(failure).isInstanceOf(RevisionConflictException.class);
        conflicts++;
      }
    }
    assertThat(won).isEqualTo(1);
    assertThat(conflicts).isEqualTo(7);
    assertThat(await(store.current()).revision()).isEqualTo(2);
  }

  // ---- helpers

  static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  static Throwable failure(Future<?> future) throws Exception {
    Throwable failure = failure(future, true);
    assertThat(failure).as("expected a failure").isNotNull();
    return failure;
  }

  /** The failure of a future, or null when it succeeded. */
  static Throwable failure(Future<?> future, boolean allowSuccess) throws Exception {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  static void eventually(Runnable assertion) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }
}
