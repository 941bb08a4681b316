package dev.crossgate.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port held bound but not listening while the test runs: a connect to it is refused,
 * and no other socket can take it meanwhile (a port found free and released at once could be
 * bound by a parallel test, or be picked as the connecting socket's own port).
 */
final class RefusedPort implements AutoCloseable {

  private final Socket held = new Socket();

  RefusedPort() throws IOException {
    held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  int port() {
    return held.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    held.close();
  }
}
