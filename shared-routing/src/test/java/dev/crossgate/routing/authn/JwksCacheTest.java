package dev.crossgate.routing.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The key-set cache against a real loopback HTTP server. */
class JwksCacheTest {

  private Vertx vertx;
  private HttpServer server;
  private final AtomicReference<String> body = new AtomicReference<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicInteger served = new AtomicInteger();
  private URI uri;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(request -> {
      served.incrementAndGet();
      request.response().setStatusCode(status.get()).end(status.get() == 200 ? body.get() : "");
    });
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10,
        TimeUnit.SECONDS);
    uri = URI.create("http://127.0.0.1:" + server.actualPort() + "/keys");
    body.set(keySet("k1"));
  }

  @AfterEach
  void stop() {
    vertx.close();
  }

  private static String keySet(String kid) throws Exception {
    return new JWKSet(new ECKeyGenerator(Curve.P_256).keyID(kid).generate()).toPublicJWKSet()
        .toString();
  }

  private JwksCache cache(Duration refresh, Duration minGap) {
    return new JwksCache(vertx, uri, refresh, minGap, Duration.ofSeconds(30));
  }

  private static <T> T await(Future<T> future) throws Exception {
    // longer than the cache's own backstop (twice its 30 s timeout), so a stuck fetch fails there
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  @Test
  void fetchesOnceAndServesFromTheCache() throws Exception {
    JwksCache cache = cache(Duration.ofMinutes(5), Duration.ofSeconds(30));
    Future<JWKSet> first = cache.keys();
    Future<JWKSet> second = cache.keys();
    assertThat(await(first).getKeyByKeyId("k1")).isNotNull();
    assertThat(await(second).getKeyByKeyId("k1")).isNotNull();
    assertThat(await(cache.keys()).getKeyByKeyId("k1")).isNotNull();
    assertThat(cache.fetches()).as("concurrent first uses share one fetch").isEqualTo(1);
    assertThat(served.get()).isEqualTo(1);
  }

  @Test
  void aFailedFetchIsNotCachedAsNoKeys() throws Exception {
    status.set(503);
    JwksCache cache = cache(Duration.ofMinutes(5), Duration.ofSeconds(30));
    assertThatThrownBy(() -> await(cache.keys())).isInstanceOf(ExecutionException.class)
        .hasMessageContaining("answered 503");
    status.set(200);
    assertThat(await(cache.keys()).getKeyByKeyId("k1")).isNotNull();
    assertThat(cache.fetches()).isEqualTo(2);
  }

  @Test
  void notAKeySetIsAFailedFetch() throws Exception {
    body.set("{\"keys\": []}");
    JwksCache cache = cache(Duration.ofMinutes(5), Duration.ofSeconds(30));
    assertThatThrownBy(() -> await(cache.keys())).hasMessageContaining("has no keys");
    body.set("<html>");
    assertThatThrownBy(() -> await(cache.keys()))
        .hasMessageContaining("is not a JSON Web Key Set");
  }

  @Test
  void anOldSetIsRefreshedInTheBackgroundWhileItKeepsServing() throws Exception {
    JwksCache cache = cache(Duration.ZERO, Duration.ofSeconds(30));
    assertThat(await(cache.keys()).getKeyByKeyId("k1")).isNotNull();
    body.set(keySet("k2"));
    Future<JWKSet> stale = cache.keys();
    assertThat(stale.isComplete()).as("answered from the cache at once").isTrue();
    assertThat(stale.result().getKeyByKeyId("k1")).isNotNull();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (await(cache.keys()).getKeyByKeyId("k2") == null) {
      assertThat(System.nanoTime()).as("refreshed within 10 s (fetches %d, served %d)",
          cache.fetches(), served.get()).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void theIssuerBeingDownKeepsTheStaleKeys() throws Exception {
    JwksCache cache = cache(Duration.ofMinutes(5), Duration.ZERO);
    await(cache.keys());
    status.set(500);
    JWKSet afterRefresh = await(cache.refreshForUnknownKid());
    assertThat(afterRefresh.getKeyByKeyId("k1")).as("stale keys served").isNotNull();
    assertThat(cache.fetches()).isEqualTo(2);
    assertThat(await(cache.keys()).getKeyByKeyId("k1")).isNotNull();
  }

  @Test
  void unknownKidRefreshesAreRateLimited() throws Exception {
    JwksCache cache = cache(Duration.ofMinutes(5), Duration.ofMinutes(1));
    await(cache.keys());
    body.set(keySet("k2"));
    JWKSet set = await(cache.refreshForUnknownKid());
    assertThat(set.getKeyByKeyId("k2")).as("no refetch within the gap").isNull();
    assertThat(cache.fetches()).isEqualTo(1);
    JwksCache eager = cache(Duration.ofMinutes(5), Duration.ZERO);
    await(eager.keys());
    body.set(keySet("k3"));
    assertThat(await(eager.refreshForUnknownKid()).getKeyByKeyId("k3")).isNotNull();
  }
}
