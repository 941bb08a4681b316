package dev.crossgate.routing.authn;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An issuer's key set fetched from its {@code jwksUri} with the Vert.x HTTP client (never
 * blocking an event loop) and cached. A cached set older than the refresh interval is refreshed
 * in the background on its next use while the old set keeps serving; a token naming an unknown
 * {@code kid} triggers a refresh at most once per {@code minRefreshGap}. A failed fetch keeps
 * the last good set (stale keys beat no keys) and is never remembered as "no keys": with nothing
 * cached, the next request fetches again. Concurrent fetches are merged into one. Thread-safe.
 */
public final class JwksCache implements KeySource {

  /** The largest key-set document accepted, in bytes. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  private final Vertx vertx;
  private final URI uri;
  private final long refreshNanos;
  private final long minGapNanos;
  private final Duration timeout;
  private HttpClient client;
  private volatile JWKSet keys;
  private volatile long fetchedAt;
  private volatile long lastAttempt = Long.MIN_VALUE / 2;
  private final AtomicReference<Future<JWKSet>> inFlight = new AtomicReference<>();
  private final AtomicInteger fetches = new AtomicInteger();

  /**
   * A cache for one key-set URI.
   *
   * @param vertx the Vert.x instance whose HTTP client fetches
   * @param uri the {@code jwksUri}
   * @param refreshInterval how old a cached set may get before it is refreshed
   * @param minRefreshGap the shortest time between refreshes caused by unknown {@code kid}s
   * @param timeout how long one fetch may take
   */
  public JwksCache(Vertx vertx, URI uri, Duration refreshInterval, Duration minRefreshGap,
      Duration timeout) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.uri = Objects.requireNonNull(uri, "uri");
    this.refreshNanos = refreshInterval.toNanos();
    this.minGapNanos = minRefreshGap.toNanos();
    this.timeout = timeout;
  }

  /** The key-set URI. */
  public URI uri() {
    return uri;
  }

  /** How many fetches were started (for tests and metrics). */
  public int fetches() {
    return fetches.get();
  }

  @Override
  public Future<JWKSet> keys() {
    JWKSet current = keys;
    if (current == null) {
      return fetch();
    }
    if (System.nanoTime() - fetchedAt > refreshNanos) {
      fetch(); // in the background; a failure keeps the current set
    }
    return Future.succeededFuture(current);
  }

  @Override
  public Future<JWKSet> refreshForUnknownKid() {
    JWKSet current = keys;
    if (current != null && System.nanoTime() - lastAttempt < minGapNanos) {
      return Future.succeededFuture(current);
    }
    return fetch().recover(error -> current == null ? Future.failedFuture(error)
        : Future.succeededFuture(current));
  }

  /** Starts a fetch, or joins the one under way. Lock-free: never blocks an event loop. */
  private Future<JWKSet> fetch() {
    Promise<JWKSet> promise = Promise.promise();
    Future<JWKSet> mine = promise.future();
    Future<JWKSet> running = inFlight.compareAndExchange(null, mine);
    if (running != null) {
      return running;
    }
    lastAttempt = System.nanoTime();
    fetches.incrementAndGet();
    Future<JWKSet> fetched = onEventLoop();
    // a backstop in case the client's own timeouts do not fire: a fetch never stays in flight
    long backstop = vertx.setTimer(timeout.toMillis() * 2, id -> {
      if (inFlight.compareAndSet(mine, null)) {
        promise.tryFail("JWKS " + uri + " did not answer within " + timeout.toMillis() * 2
            + " ms");
      }
    });
    fetched.onComplete(ar -> {
      vertx.cancelTimer(backstop);
      if (ar.succeeded()) {
        keys = ar.result(); // before anyone waiting hears of it
        fetchedAt = System.nanoTime();
      }
      inFlight.compareAndSet(mine, null);
      if (ar.succeeded()) {
        promise.tryComplete(ar.result());
      } else {
        promise.tryFail(ar.cause());
      }
    });
    return mine;
  }

  /**
   * Runs the exchange on a Vert.x event loop. Called from another thread (a test, a start-up
   * check), the continuations of the client's futures would hop between threads, and a response
   * that ended on the connection's thread before {@code body()} was asked for on the other one
   * lost its end: the fetch then never completed (JwksCacheTest hung once in a full build).
   */
  private Future<JWKSet> onEventLoop() {
    if (Vertx.currentContext() != null) {
      return getOrFail();
    }
    Promise<JWKSet> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> getOrFail().onComplete(result));
    return result.future();
  }

  private Future<JWKSet> getOrFail() {
    try {
      return get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<JWKSet> get() {
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setHost(uri.getHost()).setPort(port).setURI(path).setSsl(tls)
        .setConnectTimeout(timeout.toMillis()).setIdleTimeout(timeout.toMillis())
        .putHeader("accept", "application/json, application/jwk-set+json");
    // body() is asked for in the very callback that hands over the response, on its thread,
    // before any of the body can arrive; a response not read to its end resets its request, so
    // no connection waits on a body nobody reads.
    return client().request(options)
        .compose(request -> request.send().compose(response -> {
          if (response.statusCode() != 200) {
            request.reset();
            return Future.failedFuture("JWKS " + uri + " answered " + response.statusCode());
          }
          String length = response.getHeader("content-length");
          if (length != null && length.length() < 12 && Long.parseLong(length) > MAX_BODY_BYTES) {
            request.reset();
            return Future.failedFuture("JWKS " + uri + " is larger than " + MAX_BODY_BYTES
                + " bytes");
          }
          return response.body();
        }))
        .compose(this::parse);
  }

  private Future<JWKSet> parse(Buffer body) {
    if (body.length() > MAX_BODY_BYTES) {
      return Future.failedFuture("JWKS " + uri + " is larger than " + MAX_BODY_BYTES + " bytes");
    }
    try {
      JWKSet set = JWKSet.parse(body.toString()).toPublicJWKSet();
      if (set.isEmpty()) {
        return Future.failedFuture("JWKS " + uri + " has no keys");
      }
      return Future.succeededFuture(set);
    } catch (ParseException e) {
      return Future.failedFuture("JWKS " + uri + " is not a JSON Web Key Set: " + e.getMessage());
    }
  }

  private synchronized HttpClient client() {
    if (client == null) {
      // fetches are rare: a fresh connection each time, no pooled connection to go stale
      client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    }
    return client;
  }

  /** Closes the HTTP client. */
  public synchronized Future<Void> close() {
    return client == null ? Future.succeededFuture() : client.close();
  }
}
