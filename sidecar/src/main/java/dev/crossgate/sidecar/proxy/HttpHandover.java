package dev.crossgate.sidecar.proxy;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetServerImpl;
import java.lang.reflect.Field;

/**
 * Hands a connection accepted elsewhere to a Vert.x {@link HttpServer}: the server's own
 * per-connection setup (the handler its TCP server calls for each accepted socket), which turns
 * the socket's pipeline into an HTTP/1.1 or HTTP/2 one (ALPN under TLS, h2c prior knowledge in
 * plaintext) exactly as for the connections it accepts itself. Vert.x 5 has no public way to do
 * this; the handler is read once, at start, from the server's TCP server, and a Vert.x whose
 * internals differ fails the start with a clear error instead of serving wrongly.
 */
final class HttpHandover {

  private HttpHandover() {}

  /**
   * The per-connection setup of the listening {@code server}.
   *
   * @throws IllegalStateException when this Vert.x does not keep it where 5.0 does
   */
  static Handler<NetSocket> of(HttpServer server) {
    try {
      Field field = server.getClass().getDeclaredField("tcpServer");
      field.setAccessible(true);
      Object tcp = field.get(server);
      if (!(tcp instanceof NetServerImpl internal) || internal.connectHandler() == null) {
        throw new IllegalStateException("the HTTP server " + server.getClass().getName()
            + " has no listening TCP server (expected: listen() first)");
      }
      return internal.connectHandler();
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (e instanceof IllegalStateException state) {
        throw state;
      }
      throw new IllegalStateException("cannot hand inbound connections to the HTTP server: "
          + "this Vert.x keeps its per-connection setup elsewhere than Vert.x 5.0 (" + e + ")",
          e);
    }
  }
}
