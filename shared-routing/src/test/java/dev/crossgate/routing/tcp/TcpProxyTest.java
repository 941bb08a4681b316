package dev.crossgate.routing.tcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.metrics.ConnectionEvents;
import dev.crossgate.testkit.TcpEchoBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.net.InetAddress;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
    try (Socket held = deadPort()) {
      TcpProxy proxy = proxyTo(held.getLocalPort(), Duration.ofMinutes(1));
      int port = await(proxy.start());
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(20_000);
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(proxy.connectFailures()).isEqualTo(1);
    }
  }

  @Test
  void idleConnectionsAreClosedOnBothSides() throws Exception {
    int port = await(proxyTo(echo.port(), Duration.ofSeconds(2)).start());
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write('x');
      assertThat(socket.getInputStream().read()).isEqualTo('x');
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    until("the backend connection closed too", () -> echo.closed() == 1);
  }

  /** Records what the proxy reports, for assertions. */
  static final class RecordedEvents implements ConnectionEvents {
    final AtomicLong opened = new AtomicLong();
    final AtomicLong toBackend = new AtomicLong();
    final AtomicLong toClient = new AtomicLong();
    final List<String> closes = new CopyOnWriteArrayList<>();

    @Override
    public void opened() {
      opened.incrementAndGet();
    }

    @Override
    public void toBackend(long bytes) {
      toBackend.addAndGet(bytes);
    }

    @Override
    public void toClient(long bytes) {
      toClient.addAndGet(bytes);
    }

    @Override
    public void closed(String initiator, String code) {
      closes.add(initiator + "/" + code);
    }
  }

  /** A one-connection backend on a plain socket, running {@code script} on a thread. */
  private static ServerSocket backend(SocketScript script, AtomicReference<String> seen)
      throws Exception {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(() -> {
      try (Socket socket = server.accept()) {
        socket.setSoTimeout(20_000);
        seen.set(script.run(socket));
      } catch (Exception e) {
        seen.set("failed: " + e);
      }
    }, "half-closing-backend");
    thread.setDaemon(true);
    thread.start();
    return server;
  }

  interface SocketScript {
    String run(Socket socket) throws Exception;
  }

  @Test
  void clientHalfCloseReachesTheBackendAndItsAnswerStillFlowsBack() throws Exception {
    AtomicReference<String> seen = new AtomicReference<>();
    // reads until the client's FIN, then answers and closes: needs a real half-close
    try (ServerSocket server = backend(socket -> {
      String request = new String(socket.getInputStream().readAllBytes(), UTF_8);
      socket.getOutputStream().write(("got " + request.length() + " bytes").getBytes(UTF_8));
      return request;
    }, seen)) {
      RecordedEvents events = new RecordedEvents();
      UpstreamEndpoint endpoint = UpstreamEndpoint.of("127.0.0.1", server.getLocalPort());
      TcpProxy proxy = new TcpProxy(vertx, new TcpProxy.Settings("127.0.0.1", 0,
          Duration.ofSeconds(2), Duration.ofMinutes(1)), () -> endpoint, events);
      int port = await(proxy.start());
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(20_000);
        socket.getOutputStream().write("hello".getBytes(UTF_8));
        socket.shutdownOutput();
        assertThat(new String(socket.getInputStream().readAllBytes(), UTF_8))
            .isEqualTo("got 5 bytes");
      }
      assertThat(seen.get()).isEqualTo("hello");
      until("the session ended", () -> events.closes.size() == 1);
      assertThat(events.opened.get()).isOne();
      assertThat(events.toBackend.get()).isEqualTo(5);
      assertThat(events.toClient.get()).isEqualTo(11);
      assertThat(events.closes).containsExactly("client/none");
    }
  }

  @Test
  void backendHalfCloseReachesTheClientWhichCanStillSend() throws Exception {
    AtomicReference<String> seen = new AtomicReference<>();
    // greets, shuts its write side, then reads what the client still sends
    try (ServerSocket server = backend(socket -> {
      socket.getOutputStream().write("banner".getBytes(UTF_8));
      socket.shutdownOutput();
      return new String(socket.getInputStream().readAllBytes(), UTF_8);
    }, seen)) {
      RecordedEvents events = new RecordedEvents();
      UpstreamEndpoint endpoint = UpstreamEndpoint.of("127.0.0.1", server.getLocalPort());
      TcpProxy proxy = new TcpProxy(vertx, new TcpProxy.Settings("127.0.0.1", 0,
          Duration.ofSeconds(2), Duration.ofMinutes(1)), () -> endpoint, events);
      int port = await(proxy.start());
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(20_000);
        InputStream in = socket.getInputStream();
        assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("banner"); // then EOF
        socket.getOutputStream().write("still talking".getBytes(UTF_8));
        socket.shutdownOutput();
        until("the backend read the client's bytes", () -> seen.get() != null);
      }
      assertThat(seen.get()).isEqualTo("still talking");
      until("the session ended", () -> events.closes.size() == 1);
      assertThat(events.closes).containsExactly("backend/none");
      assertThat(events.toBackend.get()).isEqualTo(13);
      assertThat(events.toClient.get()).isEqualTo(6);
    }
  }

  @Test
  void unreachableBackendIsCountedAsAConnectFailure() throws Exception {
    try (Socket held = deadPort()) {
      RecordedEvents events = new RecordedEvents();
      UpstreamEndpoint endpoint = UpstreamEndpoint.of("127.0.0.1", held.getLocalPort());
      TcpProxy proxy = new TcpProxy(vertx, new TcpProxy.Settings("127.0.0.1", 0,
          Duration.ofSeconds(2), Duration.ofMinutes(1)), () -> endpoint, events);
      int port = await(proxy.start());
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(20_000);
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
      }
      until("the close was reported", () -> events.closes.size() == 1);
      assertThat(events.closes).containsExactly("connect_failed/none");
      assertThat(events.opened.get()).isOne();
    }
  }

  /**
   * A loopback port held bound but not listening: a connect to it is refused, and no other
   * socket can take it meanwhile (a port merely found free and released could be bound by a
   * parallel test, or picked as the connecting socket's own port, which connects to itself).
   */
  private static Socket deadPort() throws java.io.IOException {
    Socket held = new Socket();
    held.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return held;
  }
}
