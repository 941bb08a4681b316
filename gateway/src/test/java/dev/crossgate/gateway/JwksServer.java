package dev.crossgate.gateway;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real loopback HTTP server publishing JSON Web Key Sets by path; a path can be switched to
 * answer 503 (the issuer is down). Counts the fetches of each path.
 */
final class JwksServer implements AutoCloseable {

  private final HttpServer server;
  private final Map<String, String> bodies = new ConcurrentHashMap<>();
  private final Map<String, Boolean> down = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  JwksServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      String body = bodies.get(path);
      int status = body == null ? 404 : down.getOrDefault(path, false) ? 503 : 200;
      byte[] bytes = status == 200 ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
      exchange.getResponseHeaders().set("content-type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
  }

  String uri(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  void publish(String path, String jwks) {
    bodies.put(path, jwks);
  }

  void down(String path, boolean isDown) {
    down.put(path, isDown);
  }

  int hits(String path) {
    AtomicInteger count = hits.get(path);
    return count == null ? 0 : count.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
