package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.store.ChangeSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real policy engine on loopback (port 0, data in a temporary folder, 200 ms heartbeats) with
 * a Vert.x instance for its test data-plane clients, which it closes with the engine.
 */
final class LoopbackEngine implements AutoCloseable {

  final PolicyServer engine;
  final Vertx vertx;
  /** The data-plane clients a test started; closed before the engine. */
  final List<DistributionClient> clients = new CopyOnWriteArrayList<>();

  private LoopbackEngine(PolicyServer engine, Vertx vertx) {
    this.engine = engine;
    this.vertx = vertx;
  }

  static LoopbackEngine start(Path data) throws Exception {
    PolicyServer engine = PolicyServer.start(PolicyServerOptions.defaults(data)
        .withApi("127.0.0.1", 0).withDistributionPort(0),
        new DistributionService.Settings(Duration.ofMillis(200), Duration.ofSeconds(2)));
    return new LoopbackEngine(engine, Vertx.vertx());
  }

  /** Stores the resources of {@code yaml} as one revision; answers its number. */
  long apply(String yaml) throws Exception {
    List<Resource> resources = PolicyLoader.loadString("test.yaml", yaml).bundleOrThrow()
        .resources();
    return await(engine.store().apply(ChangeSet.puts(resources), OptionalLong.empty(), "test",
        "test")).revision().number();
  }

  @Override
  public void close() throws Exception {
    for (DistributionClient client : clients) {
      await(client.close());
    }
    await(vertx.close());
    engine.close();
  }

  /** Polls {@code condition} every 10 ms for up to 15 s. */
  static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 15 s");
      }
      Thread.sleep(10);
    }
  }

  /** The future's result, waiting up to 30 s. */
  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
