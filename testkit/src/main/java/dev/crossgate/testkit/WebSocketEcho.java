package dev.crossgate.testkit;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A WebSocket echo behaviour for {@link TestBackend}: every text message comes back as text,
 * every binary message as binary. The text message {@code close <code> <reason>} makes the
 * backend close with that code and reason instead; {@code silent} makes it stop answering.
 * The close codes the backend received are recorded. Plain HTTP requests get 400.
 */
public final class WebSocketEcho implements Handler<HttpServerRequest> {

  private final List<Short> receivedCloseCodes = new CopyOnWriteArrayList<>();
  private final List<String> receivedCloseReasons = new CopyOnWriteArrayList<>();
  private final List<String> handshakeHeaders = new CopyOnWriteArrayList<>();
  private volatile int closed;

  WebSocketEcho() {}

  @Override
  public void handle(HttpServerRequest request) {
    if (!request.canUpgradeToWebSocket()) {
      request.response().setStatusCode(400).end("not a WebSocket upgrade");
      return;
    }
    request.headers().forEach((name, value) -> handshakeHeaders.add(name.toLowerCase() + ": "
        + value));
    request.toWebSocket().onSuccess(this::echo);
  }

  private void echo(ServerWebSocket socket) {
    boolean[] silent = new boolean[1];
    socket.textMessageHandler(text -> {
      if (text.startsWith("close ")) {
        String[] parts = text.split(" ", 3);
        socket.close(Short.parseShort(parts[1]), parts.length > 2 ? parts[2] : null);
      } else if (text.equals("silent")) {
        silent[0] = true;
      } else if (!silent[0]) {
        socket.writeTextMessage(text);
      }
    });
    socket.binaryMessageHandler(data -> {
      if (!silent[0]) {
        socket.writeBinaryMessage(data);
      }
    });
    socket.closeHandler(v -> {
      if (socket.closeStatusCode() != null) {
        receivedCloseCodes.add(socket.closeStatusCode());
        receivedCloseReasons.add(String.valueOf(socket.closeReason()));
      }
      closed++;
    });
  }

  /** The close codes received from the other side, in order. */
  public List<Short> receivedCloseCodes() {
    return List.copyOf(receivedCloseCodes);
  }

  /** The close reasons received from the other side, in order. */
  public List<String> receivedCloseReasons() {
    return List.copyOf(receivedCloseReasons);
  }

  /** The handshake request headers seen, as {@code name: value} lines. */
  public List<String> handshakeHeaders() {
    return List.copyOf(handshakeHeaders);
  }

  /** How many of the backend's WebSockets have closed. */
  public int closedCount() {
    return closed;
  }
}
