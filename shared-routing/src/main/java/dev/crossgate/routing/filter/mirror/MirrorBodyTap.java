package dev.crossgate.routing.filter.mirror;

import dev.crossgate.routing.filter.BodyTap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies the request body to the mirror request. Chunks that arrive before the mirror connection
 * is open are held up to {@link #MAX_PENDING_BYTES}; if the mirror falls behind (its write queue
 * is full) or the hold limit is passed, the mirror request is abandoned, never the real one.
 */
final class MirrorBodyTap implements BodyTap {

  static final int MAX_PENDING_BYTES = 256 * 1024;

  private final boolean hasBody;
  private HttpClientRequest request;
  private List<Buffer> pending = new ArrayList<>();
  private int pendingBytes;
  private boolean ended;
  private boolean abandoned;

  MirrorBodyTap(boolean hasBody) {
    this.hasBody = hasBody;
    this.ended = !hasBody;
  }

  void attach(HttpClientRequest mirror) {
    if (abandoned) {
      mirror.reset();
      return;
    }
    this.request = mirror;
    mirror.response().onSuccess(response -> response.handler(chunk -> {}).exceptionHandler(
        e -> {}));
    mirror.exceptionHandler(e -> abandoned = true);
    if (!hasBody) {
      mirror.end();
      return;
    }
    mirror.setChunked(!mirror.headers().contains("content-length"));
    for (Buffer chunk : pending) {
      mirror.write(chunk);
    }
    pending = null;
    if (ended) {
      mirror.end();
    }
  }

  void abandon() {
    abandoned = true;
    pending = null;
    if (request != null) {
      request.reset();
    }
  }

  @Override
  public void onChunk(Buffer chunk) {
    if (abandoned) {
      return;
    }
    if (request == null) {
      pendingBytes += chunk.length();
      if (pendingBytes > MAX_PENDING_BYTES) {
        abandon();
      } else {
        pending.add(chunk.copy());
      }
      return;
    }
    if (request.writeQueueFull()) {
      abandon();
    } else {
      request.write(chunk.copy());
    }
  }

  @Override
  public void onEnd() {
    ended = true;
    if (!abandoned && request != null && hasBody) {
      request.end();
    }
  }

  @Override
  public void onAbort() {
    abandon();
  }
}
