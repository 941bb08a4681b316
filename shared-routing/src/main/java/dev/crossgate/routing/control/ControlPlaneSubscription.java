package dev.crossgate.routing.control;

import dev.crossgate.policy.distribution.AppliedSnapshot;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.distribution.DistributionClientSettings;
import dev.crossgate.policy.distribution.NodeIdentity;
import dev.crossgate.policy.distribution.ReceivedSnapshot;
import dev.crossgate.policy.distribution.v1.Snapshot;
import dev.crossgate.routing.config.ConfigHolder;
import dev.crossgate.routing.config.RoutingConfig;
import dev.crossgate.routing.metrics.ProxyMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a data plane's configuration in step with the policy engine: each snapshot is compiled on
 * a worker thread, swapped in and ACKed, then written to the last-known-good file; a snapshot that
 * cannot be applied is NACKed with the reason while the running configuration keeps serving.
 */
public final class ControlPlaneSubscription {

  private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneSubscription.class);

  private final Vertx vertx;
  private final ConfigHolder holder;
  private final SnapshotCompiler compiler;
  private final LastKnownGoodStore lastKnownGood;
  private final ProxyMetrics metrics;
  private final AtomicReference<AppliedSnapshot> applied;
  private final AtomicReference<String> engine = new AtomicReference<>();
  private final AtomicReference<ReceivedSnapshot> toSave = new AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicBoolean saving =
      new java.util.concurrent.atomic.AtomicBoolean();
  private DistributionClient client;
  private java.util.function.Consumer<Snapshot> onApplied = snapshot -> {};

  private ControlPlaneSubscription(Vertx vertx, ConfigHolder holder, SnapshotCompiler compiler,
      LastKnownGoodStore lastKnownGood, ProxyMetrics metrics, AppliedSnapshot initial) {
    this.vertx = vertx;
    this.holder = holder;
    this.compiler = compiler;
    this.lastKnownGood = lastKnownGood;
    this.metrics = metrics;
    this.applied = new AtomicReference<>(initial);
  }

  /**
   * Reads the last-known-good snapshot, if there is a usable one, into a configuration to start
   * from. Blocking; call before the event loops serve.
   *
   * @return the compiled configuration and what it was built from, or empty
   */
  public static Optional<Start> lastKnownGood(LastKnownGoodStore store, SnapshotCompiler compiler) {
    try {
      Optional<Snapshot> saved = store.load();
      if (saved.isEmpty()) {
        return Optional.empty();
      }
      Snapshot snapshot = saved.get();
      RoutingConfig config = compiler.compile(snapshot, "last-known-good " + store.file()
          + " (revision " + snapshot.getRevision() + ")", null);
      return Optional.of(new Start(config, new AppliedSnapshot(snapshot.getRevision(),
          snapshot.getHash())));
    } catch (IOException | dev.crossgate.routing.config.ConfigException e) {
      LOG.warn("ignoring the last-known-good configuration: {}", e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * A configuration to start from and the snapshot it came from.
   *
   * @param config the compiled configuration
   * @param snapshot its revision and hash
   */
  public record Start(RoutingConfig config, AppliedSnapshot snapshot) {}

  /**
   * Subscribes.
   *
   * @param initial what the node runs now ({@link AppliedSnapshot#NONE} when nothing)
   */
  public static ControlPlaneSubscription start(Vertx vertx, DistributionClientSettings settings,
      NodeIdentity identity, ConfigHolder holder, SnapshotCompiler compiler,
      LastKnownGoodStore lastKnownGood, ProxyMetrics metrics, AppliedSnapshot initial) {
    return start(vertx, settings, identity, holder, compiler, lastKnownGood, metrics, initial,
        snapshot -> {});
  }

  /**
   * The same, calling {@code onApplied} (on a worker thread) with each snapshot the node runs
   * once applied, also when it already ran it: what the configuration does not hold (the mesh
   * trust bundle and endpoints) goes there.
   */
  public static ControlPlaneSubscription start(Vertx vertx, DistributionClientSettings settings,
      NodeIdentity identity, ConfigHolder holder, SnapshotCompiler compiler,
      LastKnownGoodStore lastKnownGood, ProxyMetrics metrics, AppliedSnapshot initial,
      java.util.function.Consumer<Snapshot> onApplied) {
    ControlPlaneSubscription subscription = new ControlPlaneSubscription(
        Objects.requireNonNull(vertx, "vertx"), Objects.requireNonNull(holder, "holder"),
        Objects.requireNonNull(compiler, "compiler"),
        Objects.requireNonNull(lastKnownGood, "lastKnownGood"),
        Objects.requireNonNull(metrics, "metrics"), Objects.requireNonNull(initial, "initial"));
    subscription.onApplied = Objects.requireNonNull(onApplied, "onApplied");
    subscription.client = DistributionClient.start(vertx, settings, identity,
        subscription.applied::get,
        DistributionClient.SnapshotHandler.received(subscription::apply),
        new DistributionClient.ConnectionListener() {
          @Override
          public void connected(SocketAddress address) {
            subscription.engine.set(address.toString());
            metrics.controlPlaneConnected(true);
            LOG.info("control plane {} connected", address);
          }

          @Override
          public void disconnected(SocketAddress address, String reason) {
            subscription.engine.set(null);
            metrics.controlPlaneConnected(false);
          }
        });
    return subscription;
  }

  private Future<Void> apply(ReceivedSnapshot snapshot) {
    AppliedSnapshot running = applied.get();
    if (running.revision() == snapshot.revision() && running.hash().equals(snapshot.hash())
        && !running.hash().isEmpty()) {
      // Already running it, e.g. from the last-known-good file.
      return vertx.executeBlocking(() -> {
        onApplied.accept(snapshot.snapshot());
        return null;
      }, true); // ordered: see below
    }
    String source = "control plane " + engine.get() + " (revision " + snapshot.revision()
        + ")";
    // Ordered: snapshots are compiled, swapped in and handed to onApplied one at a time in the
    // order they arrive, also should a caller offer the next before this one completed
    // (DistributionClient waits for each, but nothing here relied on it: unordered, an older
    // snapshot finishing last would have won).
    return vertx.<Void>executeBlocking(() -> {
      RoutingConfig next = compiler.compile(snapshot, source, holder.current());
      holder.swap(next);
      applied.set(new AppliedSnapshot(snapshot.revision(), snapshot.hash()));
      onApplied.accept(snapshot.snapshot());
      return null;
    }, true).andThen(ar -> {
      if (ar.succeeded()) {
        saveLater(snapshot);
      }
      metrics.snapshot(ar.succeeded());
      if (ar.succeeded()) {
        LOG.info("revision {} applied from the control plane", snapshot.revision());
      } else {
        LOG.warn("revision {} refused, still serving {}: {}", snapshot.revision(),
            holder.current().version(), ar.cause().getMessage());
      }
    });
  }

  /**
   * Writes {@code snapshot} to the last-known-good file on a worker, off the ACK's path: the
   * swap is what the ACK confirms. Writes run one at a time; a snapshot applied while one is
   * being written replaces any waiting one, so the file always ends at the newest applied.
   */
  private void saveLater(ReceivedSnapshot snapshot) {
    toSave.set(snapshot);
    if (saving.compareAndSet(false, true)) {
      vertx.executeBlocking(() -> {
        saveWaiting();
        return null;
      }, false);
    }
  }

  private void saveWaiting() {
    try {
      for (ReceivedSnapshot next = toSave.getAndSet(null); next != null;
          next = toSave.getAndSet(null)) {
        try {
          lastKnownGood.save(next.snapshot());
        } catch (IOException | RuntimeException e) {
          LOG.warn("could not write the last-known-good file {}: {}", lastKnownGood.file(),
              e.toString());
        }
      }
    } finally {
      saving.set(false);
    }
    if (toSave.get() != null && saving.compareAndSet(false, true)) {
      saveWaiting(); // one arrived between the last read and the flag's release
    }
  }

  /** Whether a stream to an engine is open now. */
  public boolean connected() {
    return client.connected();
  }

  /** The snapshot running now. */
  public AppliedSnapshot applied() {
    return applied.get();
  }

  /** Stops the subscription. */
  public Future<Void> close() {
    return client.close();
  }
}
