package dev.crossgate.routing.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body of which a filter already read the start: the bytes read are emitted first,
 * then the rest of the (paused) client stream follows, with its flow control.
 */
final class PrefixedBody implements ReadStream<Buffer> {

  private final Buffer prefix;
  private final ReadStream<Buffer> rest;
  private Handler<Buffer> handler;
  private boolean prefixSent;
  private boolean paused = true;

  PrefixedBody(Buffer prefix, ReadStream<Buffer> rest) {
    this.prefix = prefix;
    this.rest = rest;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    rest.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    rest.handler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    paused = true;
    rest.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    paused = false;
    if (sendPrefix() && paused) {
      return this; // the consumer pushed back on the prefix: wait for the next resume
    }
    rest.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    if (amount > 0 && sendPrefix()) {
      amount--;
    }
    if (amount > 0) {
      rest.fetch(amount);
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    rest.endHandler(endHandler);
    return this;
  }

  /** Emits the prefix once, when there is a handler; true when it did now. */
  private boolean sendPrefix() {
    if (prefixSent || handler == null) {
      return false;
    }
    prefixSent = true;
    if (prefix.length() > 0) {
      handler.handle(prefix);
    }
    return true;
  }
}
