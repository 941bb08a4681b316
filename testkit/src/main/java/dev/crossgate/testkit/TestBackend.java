package dev.crossgate.testkit;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP/1.1 backend on 127.0.0.1 and an ephemeral port. By default it answers every request
 * with {@link BackendBehaviors#echo}; tests swap the behaviour with {@link #behave(Handler)}.
 * Every request it receives is recorded.
 */
public final class TestBackend implements AutoCloseable {

  private final String name;
  private final Vertx vertx;
  private final HttpServer server;
  private final AtomicReference<Handler<HttpServerRequest>> behavior = new AtomicReference<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  private TestBackend(String name, Vertx vertx, HttpServer server) {
    this.name = name;
    this.vertx = vertx;
    this.server = server;
  }

  /** Starts a backend with the given name (echoed in responses) and waits until it listens. */
  public static TestBackend start(String name) {
    Objects.requireNonNull(name, "name");
    Vertx vertx = Vertx.vertx();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1")
        .setMaxHeaderSize(256 * 1024));
    TestBackend backend = new TestBackend(name, vertx, server);
    backend.reset();
    server.requestHandler(backend::handle);
    await(server.listen(0));
    return backend;
  }

  private void handle(HttpServerRequest request) {
    requests.add(RecordedRequest.of(request));
    behavior.get().handle(request);
  }

  /** Replaces how the backend answers. */
  public TestBackend behave(Handler<HttpServerRequest> handler) {
    behavior.set(Objects.requireNonNull(handler, "handler"));
    return this;
  }

  /** Back to echoing, with the recorded requests cleared. */
  public void reset() {
    behavior.set(BackendBehaviors.echo(name));
    requests.clear();
  }

  /** The name this backend reports in echoed responses. */
  public String name() {
    return name;
  }

  /** The bound port. */
  public int port() {
    return server.actualPort();
  }

  /** The requests received so far (headers and metadata only, not bodies). */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** The Vert.x instance serving this backend. */
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    await(vertx.close());
  }

  static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("test backend operation failed: " + e, e);
    }
  }
}
