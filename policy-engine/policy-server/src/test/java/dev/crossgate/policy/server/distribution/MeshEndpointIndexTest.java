package dev.crossgate.policy.server.distribution;

import static dev.crossgate.policy.server.distribution.MeshSets.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The mesh endpoint index on its own, with refreshes from more than one thread. */
class MeshEndpointIndexTest {

  private static NodeRecord sidecar(String id, int port) {
    return new NodeRecord(id, "sidecar", "e1", 1, 0, null, Instant.EPOCH, "shop/reviews",
        "127.0.0.1", port, false);
  }

  @Test
  void aRefreshThatReadTheRecordsEarlierNeverPublishesOverALaterOne() throws Exception {
    // Two sidecars register on two event loops at once: the refresh for the first reads the
    // book (one endpoint) and is slow to go on; the refresh for the second reads it with both.
    // The index must end with both, not with whichever refresh finished last.
    MeshEndpointIndex index = new MeshEndpointIndex();
    AtomicReference<List<NodeRecord>> book = new AtomicReference<>(List.of(sidecar("r1", 7001)));
    CountDownLatch firstRead = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    Thread slow = new Thread(() -> index.refresh(() -> {
      List<NodeRecord> read = book.get();
      firstRead.countDown();
      try {
        goOn.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return read;
    }));
    slow.start();
    assertThat(firstRead.await(10, TimeUnit.SECONDS)).isTrue();
    book.set(List.of(sidecar("r1", 7001), sidecar("r2", 7002)));
    Thread later = new Thread(() -> index.refresh(book::get));
    later.start();
    // Let the later refresh finish, or wait at the index, before the slow one goes on.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (later.getState() != Thread.State.BLOCKED && later.getState() != Thread.State.TERMINATED
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    goOn.countDown();
    slow.join(10_000);
    later.join(10_000);
    assertThat(index.endpoints("shop/reviews")).containsExactly(endpoint(7001), endpoint(7002));
  }

  private static NodeRecord unhealthy(String id, int port, boolean failOpen) {
    return new NodeRecord(id, "sidecar", "e1", 1, 0, null, Instant.EPOCH, "shop/reviews",
        "127.0.0.1", port, false, true, "status 503", failOpen, null);
  }

  @Test
  void aSidecarWhoseAppIsUnhealthyLeavesTheSetWhileAnotherServes() {
    MeshEndpointIndex index = new MeshEndpointIndex();
    List<java.util.Set<String>> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
    index.onChange(changes::add);
    index.refresh(() -> List.of(sidecar("r1", 7001), sidecar("r2", 7002)));
    index.refresh(() -> List.of(sidecar("r1", 7001), unhealthy("r2", 7002, true)));
    assertThat(index.endpoints("shop/reviews")).containsExactly(endpoint(7001));
    index.refresh(() -> List.of(sidecar("r1", 7001), sidecar("r2", 7002)));
    assertThat(index.endpoints("shop/reviews")).containsExactly(endpoint(7001), endpoint(7002));
    assertThat(List.copyOf(changes)).hasSize(3).allMatch(c -> c.equals(java.util.Set.of(
        "shop/reviews")));
  }

  @Test
  void everySidecarUnhealthyKeepsThemAllWhenTheServiceFailsOpen() {
    MeshEndpointIndex index = new MeshEndpointIndex();
    index.refresh(() -> List.of(unhealthy("r1", 7001, true), unhealthy("r2", 7002, true)));
    assertThat(index.endpoints("shop/reviews")).containsExactly(endpoint(7001), endpoint(7002));
  }

  @Test
  void everySidecarUnhealthyEmptiesTheSetWhenTheServiceFailsClosed() {
    MeshEndpointIndex index = new MeshEndpointIndex();
    index.refresh(() -> List.of(sidecar("r1", 7001), unhealthy("r2", 7002, false)));
    assertThat(index.endpoints("shop/reviews")).containsExactly(endpoint(7001));
    index.refresh(() -> List.of(unhealthy("r1", 7001, false), unhealthy("r2", 7002, false)));
    assertThat(index.endpoints("shop/reviews")).isEmpty();
    assertThat(index.all()).doesNotContainKey("shop/reviews");
  }

  @Test
  void aDrainingSidecarIsNotKeptByFailOpen() {
    MeshEndpointIndex index = new MeshEndpointIndex();
    NodeRecord draining = new NodeRecord("r2", "sidecar", "e1", 1, 0, null, Instant.EPOCH,
        "shop/reviews", "127.0.0.1", 7002, true, true, "timeout after 1000 ms", true, null);
    index.refresh(() -> List.of(unhealthy("r1", 7001, true), draining));
    assertThat(index.endpoints("shop/reviews")).containsExactly(endpoint(7001));
  }

  @Test
  void theAppHealthSurvivesTheClusterRecordsJson() {
    NodeRecord record = unhealthy("r1", 7001, false);
    assertThat(NodeRecord.fromJson(record.toJson())).isEqualTo(record);
    NodeRecord healthy = sidecar("r2", 7002);
    assertThat(NodeRecord.fromJson(healthy.toJson())).isEqualTo(healthy);
  }
}
