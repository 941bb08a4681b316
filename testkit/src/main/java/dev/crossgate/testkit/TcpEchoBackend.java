package dev.crossgate.testkit;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP echo server on 127.0.0.1 and an ephemeral port: every byte received is sent back, with
 * back-pressure; when the peer closes, the echo closes too. Counts connections.
 */
public final class TcpEchoBackend implements AutoCloseable {

  private final Vertx vertx;
  private final NetServer server;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();

  private TcpEchoBackend(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1"));
  }

  /** Starts an echo server and waits until it listens. */
  public static TcpEchoBackend start() {
    TcpEchoBackend backend = new TcpEchoBackend(Vertx.vertx());
    backend.server.connectHandler(socket -> {
      backend.accepted.incrementAndGet();
      socket.closeHandler(v -> backend.closed.incrementAndGet());
      socket.pipeTo(socket);
    });
    TestBackend.await(backend.server.listen(0));
    return backend;
  }

  /** The bound port. */
  public int port() {
    return server.actualPort();
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Connections closed so far. */
  public int closed() {
    return closed.get();
  }

  @Override
  public void close() {
    TestBackend.await(vertx.close());
  }
}
