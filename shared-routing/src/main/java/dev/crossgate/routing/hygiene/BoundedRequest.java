package dev.crossgate.routing.hygiene;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ErrorResponder;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.filter.trace.TraceContextFilter;
import io.netty.channel.Channel;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A client request whose body is counted as it is read, however it is framed
 * ({@code Content-Length}, chunked, HTTP/2 DATA frames): once it passes
 * {@link RequestLimits#maxBodySize()} the request stops reading, is answered
 * {@code 413 payload_too_large} (when no response has started) and its connection is closed
 * (HTTP/1.x) or its stream reset (HTTP/2). It also answers the bad chunks
 * {@link Http1FramingGuard} finds in its body with {@code 400 ambiguous_framing}. Nothing read
 * past the limit reaches the body's consumer, and its end is never signalled.
 */
public final class BoundedRequest extends HttpServerRequestWrapper {

  private final long maxBodySize;
  private final Consumer<ProxyException> counter;
  private long received;
  private ProxyException refusal;
  private Handler<Throwable> exceptionHandler;
  private final Channel channel;
  private final Consumer<ProxyException> listener = new Refusals();

  private BoundedRequest(HttpServerRequestInternal delegate, long maxBodySize,
      Consumer<ProxyException> counter) {
    super(delegate);
    this.maxBodySize = maxBodySize;
    this.counter = counter;
    delegate.exceptionHandler(new Failures());
    this.channel = channelOf(delegate);
    if (channel != null) {
      channel.attr(Http1FramingGuard.BODY_REFUSAL).set(listener);
    }
  }

  /**
   * {@code request} with its body bounded by {@code limits}; {@code counter} hears of every
   * refusal (for metrics). A request Vert.x did not make (no internal view) is returned as is.
   */
  public static HttpServerRequest of(HttpServerRequest request, RequestLimits limits,
      Consumer<ProxyException> counter) {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(counter, "counter");
    if (!(request instanceof HttpServerRequestInternal internal)) {
      return request;
    }
    return new BoundedRequest(internal, limits.maxBodySize(), counter);
  }

  /** Why this request was refused while its body was read, or null. */
  public ProxyException refusal() {
    return refusal;
  }

  @Override
  public HttpServerRequest exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public HttpServerRequest handler(Handler<Buffer> handler) {
    if (handler == null) {
      delegate.handler(null);
      return this;
    }
    delegate.handler(new Chunks(handler));
    return this;
  }

  // The handlers below are classes, not capturing lambdas: in C1-compiled code (the sidecar's
  // launcher) a capturing lambda is allocated through a method handle, a runtime call
  // (Unsafe.allocateInstance), and these are made for every request.

  /** A refusal the HTTP/1.1 framing guard found in the body's framing. */
  private final class Refusals implements Consumer<ProxyException> {
    @Override
    public void accept(ProxyException error) {
      refuse(error);
    }
  }

  /** Passes the request's failures to the handler set on this wrapper. */
  private final class Failures implements Handler<Throwable> {
    @Override
    public void handle(Throwable e) {
      Handler<Throwable> handler = exceptionHandler;
      if (handler != null) {
        handler.handle(e);
      }
    }
  }

  /** Counts the body's bytes and refuses it past the limit. */
  private final class Chunks implements Handler<Buffer> {
    private final Handler<Buffer> handler;

    Chunks(Handler<Buffer> handler) {
      this.handler = handler;
    }

    @Override
    public void handle(Buffer chunk) {
      if (refusal != null) {
        return;
      }
      received += chunk.length();
      if (received > maxBodySize) {
        refuse(new ProxyException(ErrorReason.PAYLOAD_TOO_LARGE, "request body: more than "
            + maxBodySize + " bytes (expected: at most " + maxBodySize + ")"));
        return;
      }
      handler.handle(chunk);
    }
  }

  /** Clears the framing guard's listener and ends, unless the body was refused. */
  private final class End implements Handler<Void> {
    private final Handler<Void> handler;

    End(Handler<Void> handler) {
      this.handler = handler;
    }

    @Override
    public void handle(Void v) {
      if (channel != null) {
        channel.attr(Http1FramingGuard.BODY_REFUSAL).compareAndSet(listener, null);
      }
      if (refusal == null) {
        handler.handle(v);
      }
    }
  }

  @Override
  public HttpServerRequest resume() {
    if (refusal == null) {
      delegate.resume();
    }
    return this;
  }

  @Override
  public HttpServerRequest fetch(long amount) {
    if (refusal == null) {
      delegate.fetch(amount);
    }
    return this;
  }

  @Override
  public HttpServerRequest endHandler(Handler<Void> handler) {
    delegate.endHandler(handler == null ? null : new End(handler));
    return this;
  }

  /** Stops reading, answers {@code error} if nothing was answered yet, and ends the exchange. */
  private void refuse(ProxyException error) {
    if (refusal != null) {
      return;
    }
    refusal = error;
    counter.accept(error);
    try {
      delegate.pause();
    } catch (IllegalStateException ended) {
      // nothing more will be read anyway
    }
    HttpServerResponse response = delegate.response();
    boolean http2 = delegate.version() == HttpVersion.HTTP_2;
    if (response.headWritten() || response.ended() || response.closed()) {
      if (http2) {
        response.reset();
      } else {
        delegate.connection().close();
      }
      return;
    }
    if (!http2) {
      response.putHeader("connection", "close");
    }
    String requestId = delegate.getHeader("x-request-id");
    ErrorResponder.send(response, error, requestId == null ? TraceContextFilter.randomHex(16)
        : requestId, null);
    if (!http2) {
      delegate.connection().close();
    }
  }

  private static Channel channelOf(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2
        || !(request.connection() instanceof ConnectionBase base)) {
      return null;
    }
    return base.channel();
  }
}
