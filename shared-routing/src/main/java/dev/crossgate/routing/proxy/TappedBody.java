package dev.crossgate.routing.proxy;

import dev.crossgate.routing.filter.BodyTap;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.List;

/** The client request body as a stream that also feeds body taps (mirrors). */
final class TappedBody implements ReadStream<Buffer> {

  private final ReadStream<Buffer> source;
  private final List<BodyTap> taps;

  TappedBody(ReadStream<Buffer> source, List<BodyTap> taps) {
    this.source = source;
    this.taps = taps;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    source.exceptionHandler(handler == null ? null : e -> {
      taps.forEach(BodyTap::onAbort);
      handler.handle(e);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    source.handler(handler == null ? null : chunk -> {
      for (BodyTap tap : taps) {
        tap.onChunk(chunk);
      }
      handler.handle(chunk);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    source.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    source.fetch(amount);
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> handler) {
    source.endHandler(handler == null ? null : v -> {
      taps.forEach(BodyTap::onEnd);
      handler.handle(v);
    });
    return this;
  }
}
