package dev.crossgate.routing.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.testkit.TcpEchoBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TCP proxy driven directly: a real listener on port 0 and a real echo backend. */
class TcpProxyTest {

  Vertx vertx;
  TcpEchoBackend echo;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    echo = TcpEchoBackend.start();
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
    echo.close();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private TcpProxy proxyTo(int port, Duration idle) {
    UpstreamEndpoint endpoint = UpstreamEndpoint.of("127.0.0.1", port);
    return new TcpProxy(vertx, new TcpProxy.Settings("127.0.0.1", 0, Duration.ofSeconds(2),
        idle), () -> endpoint);
  }

  private static void until(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void bytesFlowBothWaysUnchanged() throws Exception {
    TcpProxy proxy = proxyTo(echo.port(), Duration.ofMinutes(1));
    int port = await(proxy.start());
    byte[] sent = new byte[4 * 1024 * 1024];
    for (int i = 0; i < sent.length; i++) {
      sent[i] = (byte) (i * 31);
    }
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      Thread writer = new Thread(() -> {
        try {
          socket.getOutputStream().write(sent);
          socket.getOutputStream().flush();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      writer.start();
      byte[] received = socket.getInputStream().readNBytes(sent.length);
      writer.join();
      assertThat(received).isEqualTo(sent);
    }
    until("the backend connection closes after the client's", () -> echo.closed() == 1);
  }

  @Test
  void clientHalfCloseFlushesThenClosesTheBackend() throws Exception {
    int port = await(proxyTo(echo.port(), Duration.ofMinutes(1)).start());
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write("last words".getBytes());
      out.flush();
      InputStream in = socket.getInputStream();
      assertThat(new String(in.readNBytes(10))).isEqualTo("last words");
      socket.shutdownOutput();
      assertThat(in.read()).isEqualTo(-1);
    }
    until("the backend saw the close", () -> echo.closed() == 1);
  }

  @Test
  void unreachableBackendClosesTheClient() throws Exception {
    int dead;
    try (ServerSocket socket = new ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    TcpProxy proxy = proxyTo(dead, Duration.ofMinutes(1));
    int port = await(proxy.start());
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(proxy.connectFailures()).isEqualTo(1);
  }

  @Test
  void idleConnectionsAreClosedOnBothSides() throws Exception {
    int port = await(proxyTo(echo.port(), Duration.ofMillis(300)).start());
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write('x');
      assertThat(socket.getInputStream().read()).isEqualTo('x');
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    until("the backend connection closed too", () -> echo.closed() == 1);
  }
}
