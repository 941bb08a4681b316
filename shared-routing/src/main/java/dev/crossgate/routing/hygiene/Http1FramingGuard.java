package dev.crossgate.routing.hygiene;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads the raw bytes of an HTTP/1.x client connection before Netty's HTTP decoder and refuses
 * what the decoder would otherwise normalize: {@code Transfer-Encoding} with
 * {@code Content-Length}, repeated or non-numeric {@code Content-Length}, a
 * {@code Transfer-Encoding} other than exactly one {@code chunked}, obs-fold continuation lines,
 * bare CR or LF line endings, control characters in header values, and malformed chunk-size
 * lines or chunk endings. It follows the request framing (heads, {@code Content-Length} bodies,
 * chunks and trailers) so that every head on a keep-alive connection is inspected; body bytes are
 * passed on untouched. A head is held back until it is complete and valid, so nothing refused
 * ever reaches the decoder.
 *
 * <p>A bad head becomes a failed request message for Vert.x's invalid-request handler (the
 * {@link ProxyException} is its decoder cause), so the refusal is answered in order behind any
 * earlier response and the connection closed. A bad chunk (the head already went on) is handed to
 * the listener registered under {@link #BODY_REFUSAL} on the channel, or closes the connection
 * when none is. Either way nothing more is read from the connection. {@code CONNECT}, requests
 * with {@code Upgrade} and an HTTP/2 preface switch the guard off for the rest of the connection.
 * One instance per connection; runs on its event loop.
 */
public final class Http1FramingGuard extends ChannelInboundHandlerAdapter {

  /** The guard's name in a channel pipeline. */
  public static final String NAME = "crossgate-http1-framing-guard";

  /** The decoder Vert.x names in an HTTP/1.x server pipeline. */
  public static final String DECODER_NAME = "httpDecoder";

  /**
   * Where the request currently reading its body asks to hear about a refused chunk (set by the
   * request's body guard, cleared when the request ends).
   */
  public static final AttributeKey<Consumer<ProxyException>> BODY_REFUSAL =
      AttributeKey.valueOf("crossgate.body-refusal");

  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
      .getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_CHUNK_LINE = 4096;

  private enum State { PREFACE, HEAD, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS,
    PASSTHROUGH, REFUSED }

  private final int maxHeadBytes;
  private final Consumer<ProxyException> counter;
  private State state;
  private ByteBuf pending;
  private long remaining;

  /**
   * A guard for one connection.
   *
   * @param maxHeadBytes beyond this many bytes without the end of a head the guard steps aside
   *     and the decoder's own size limits answer (keep it above the decoder's limits)
   * @param atConnectionStart true when the guard sees the connection's first byte (it then lets
   *     an HTTP/2 prior-knowledge preface through untouched)
   * @param counter told about a refusal nobody answers (a bad chunk with no request listening),
   *     for metrics
   */
  public Http1FramingGuard(int maxHeadBytes, boolean atConnectionStart,
      Consumer<ProxyException> counter) {
    this.maxHeadBytes = maxHeadBytes;
    this.counter = counter;
    this.state = atConnectionStart ? State.PREFACE : State.HEAD;
  }

  /**
   * Puts a guard just before Vert.x's HTTP/1.x decoder of {@code pipeline} unless one is there;
   * false when the pipeline has no such decoder (HTTP/2, or not yet configured).
   */
  public static boolean installBeforeDecoder(ChannelPipeline pipeline, int maxHeadBytes,
      Consumer<ProxyException> counter) {
    if (pipeline.get(NAME) != null) {
      return true;
    }
    if (pipeline.get(DECODER_NAME) == null) {
      return false;
    }
    pipeline.addBefore(DECODER_NAME, NAME, new Http1FramingGuard(maxHeadBytes, false, counter));
    return true;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      consume(ctx, in);
    } finally {
      in.release();
    }
  }

  /** Runs the state machine over every readable byte of {@code in} (does not release it). */
  private void consume(ChannelHandlerContext ctx, ByteBuf in) {
    while (in.isReadable()) {
      switch (state) {
        case PASSTHROUGH -> {
          ctx.fireChannelRead(in.retainedSlice());
          in.skipBytes(in.readableBytes());
          return;
        }
        case REFUSED -> {
          in.skipBytes(in.readableBytes());
          return;
        }
        case PREFACE -> preface(ctx, in);
        case HEAD -> head(ctx, in);
        case FIXED_BODY, CHUNK_DATA -> body(ctx, in);
        case CHUNK_SIZE -> chunkSize(ctx, in);
        case CHUNK_END -> chunkEnd(ctx, in);
        case TRAILERS -> trailers(ctx, in);
        default -> throw new IllegalStateException(state.name());
      }
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }

  private ByteBuf pending(ChannelHandlerContext ctx) {
    if (pending == null) {
      pending = ctx.alloc().buffer(512);
    }
    return pending;
  }

  private void forwardPending(ChannelHandlerContext ctx) {
    ByteBuf out = pending;
    pending = null;
    if (out != null && out.isReadable()) {
      ctx.fireChannelRead(out);
    } else if (out != null) {
      out.release();
    }
  }

  private void preface(ChannelHandlerContext ctx, ByteBuf in) {
    ByteBuf buffered = pending(ctx);
    while (in.isReadable() && buffered.readableBytes() < PREFACE.length) {
      byte b = in.readByte();
      buffered.writeByte(b);
      if (b != PREFACE[buffered.readableBytes() - 1]) {
        // not HTTP/2: the buffered bytes start the first head; read them again as such
        pending = null;
        state = State.HEAD;
        try {
          consume(ctx, buffered);
        } finally {
          buffered.release();
        }
        return;
      }
    }
    if (buffered.readableBytes() == PREFACE.length) {
      forwardPending(ctx);
      state = State.PASSTHROUGH;
    }
  }

  /** Collects a head up to its empty line, then checks it and forwards it or refuses it. */
  private void head(ChannelHandlerContext ctx, ByteBuf in) {
    ByteBuf head = pending(ctx);
    while (in.isReadable()) {
      byte b = in.readByte();
      head.writeByte(b);
      int n = head.readableBytes();
      byte previous = n >= 2 ? head.getByte(head.writerIndex() - 2) : 0;
      if ((b == '\n' && previous != '\r') || (previous == '\r' && b != '\n')) {
        refuseHead(ctx, new ProxyException(ErrorReason.AMBIGUOUS_FRAMING, "bare "
            + (b == '\n' ? "LF" : "CR") + " in the request head at byte " + (n - 1)
            + " (expected: CRLF line endings)"), head);
        return;
      }
      if (b == '\n' && n >= 4 && head.getByte(head.writerIndex() - 2) == '\r'
          && head.getByte(head.writerIndex() - 3) == '\n'
          && head.getByte(head.writerIndex() - 4) == '\r') {
        completeHead(ctx, head);
        return;
      }
      if (b == '\n' && n == 2 && head.getByte(head.readerIndex()) == '\r') {
        // an empty line before the request line: the decoder skips it, so may we
        forwardPending(ctx);
        return;
      }
      if (n > maxHeadBytes) {
        // over every size limit: the decoder refuses it with 414/431 and closes
        forwardPending(ctx);
        state = State.PASSTHROUGH;
        return;
      }
    }
  }

  private void completeHead(ChannelHandlerContext ctx, ByteBuf head) {
    RequestHead parsed;
    try {
      parsed = RequestHead.parse(head);
    } catch (ProxyException refused) {
      refuseHead(ctx, refused, head);
      return;
    }
    forwardPending(ctx);
    if (parsed.switchesProtocol()) {
      state = State.PASSTHROUGH;
    } else if (parsed.chunked()) {
      state = State.CHUNK_SIZE;
    } else if (parsed.contentLength() > 0) {
      remaining = parsed.contentLength();
      state = State.FIXED_BODY;
    } else {
      state = State.HEAD;
    }
  }

  private void body(ChannelHandlerContext ctx, ByteBuf in) {
    int n = (int) Math.min(remaining, in.readableBytes());
    ctx.fireChannelRead(in.readRetainedSlice(n));
    remaining -= n;
    if (remaining == 0) {
      state = state == State.FIXED_BODY ? State.HEAD : State.CHUNK_END;
    }
  }

  private void chunkSize(ChannelHandlerContext ctx, ByteBuf in) {
    ByteBuf line = pending(ctx);
    while (in.isReadable()) {
      byte b = in.readByte();
      line.writeByte(b);
      if (b == '\n') {
        long size;
        try {
          size = RequestHead.chunkSize(line);
        } catch (ProxyException refused) {
          refuseBody(ctx, refused);
          return;
        }
        forwardPending(ctx);
        if (size == 0) {
          state = State.TRAILERS;
        } else {
          remaining = size;
          state = State.CHUNK_DATA;
        }
        return;
      }
      if (line.readableBytes() > MAX_CHUNK_LINE) {
        refuseBody(ctx, new ProxyException(ErrorReason.AMBIGUOUS_FRAMING, "chunk-size line"
            + " longer than " + MAX_CHUNK_LINE + " bytes (expected: hex size and CRLF)"));
        return;
      }
    }
  }

  private void chunkEnd(ChannelHandlerContext ctx, ByteBuf in) {
    ByteBuf end = pending(ctx);
    while (in.isReadable() && end.readableBytes() < 2) {
      end.writeByte(in.readByte());
    }
    if (end.readableBytes() < 2) {
      return;
    }
    if (end.getByte(end.readerIndex()) != '\r' || end.getByte(end.readerIndex() + 1) != '\n') {
      refuseBody(ctx, new ProxyException(ErrorReason.AMBIGUOUS_FRAMING,
          "chunk data longer than its size (expected: CRLF after the chunk's bytes)"));
      return;
    }
    forwardPending(ctx);
    state = State.CHUNK_SIZE;
  }

  /** Trailer fields end with an empty line; they are checked like header fields. */
  private void trailers(ChannelHandlerContext ctx, ByteBuf in) {
    ByteBuf trailer = pending(ctx);
    while (in.isReadable()) {
      byte b = in.readByte();
      trailer.writeByte(b);
      int n = trailer.readableBytes();
      boolean emptyFirstLine = n == 2 && b == '\n'
          && trailer.getByte(trailer.readerIndex()) == '\r';
      boolean blankLine = n >= 4 && b == '\n'
          && trailer.getByte(trailer.writerIndex() - 2) == '\r'
          && trailer.getByte(trailer.writerIndex() - 3) == '\n'
          && trailer.getByte(trailer.writerIndex() - 4) == '\r';
      if (emptyFirstLine || blankLine) {
        try {
          RequestHead.checkTrailers(trailer);
        } catch (ProxyException refused) {
          refuseBody(ctx, refused);
          return;
        }
        forwardPending(ctx);
        state = State.HEAD;
        return;
      }
      if (n > maxHeadBytes) {
        refuseBody(ctx, new ProxyException(ErrorReason.HEADERS_TOO_LARGE, "trailers longer than "
            + maxHeadBytes + " bytes"));
        return;
      }
    }
  }

  /**
   * Hands a refused head to Vert.x as a failed request, so its invalid-request handler answers
   * it in order and closes the connection.
   */
  private void refuseHead(ChannelHandlerContext ctx, ProxyException refused, ByteBuf head) {
    state = State.REFUSED; // counted by the invalid-request handler that answers it
    HttpMethod method = RequestHead.methodOf(head);
    String uri = RequestHead.uriOf(head);
    if (pending != null) {
      pending.release();
      pending = null;
    }
    ChannelPipeline pipeline = ctx.pipeline();
    if (pipeline.get(DECODER_NAME) == null) {
      // the HTTP/1.x pipeline is configured on the first bytes: an empty line does that and
      // leaves the decoder waiting for a request line
      ctx.fireChannelRead(Unpooled.wrappedBuffer(new byte[] {'\r', '\n'}));
    }
    if (pipeline.get(DECODER_NAME) == null) {
      ctx.close();
      return;
    }
    DefaultFullHttpRequest failed = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
        Unpooled.EMPTY_BUFFER);
    failed.setDecoderResult(DecoderResult.failure(refused));
    ctx.fireChannelRead(failed);
  }

  private void refuseBody(ChannelHandlerContext ctx, ProxyException refused) {
    state = State.REFUSED;
    if (pending != null) {
      pending.release();
      pending = null;
    }
    Consumer<ProxyException> listener = ctx.channel().attr(BODY_REFUSAL).getAndSet(null);
    if (listener == null) {
      counter.accept(refused); // nobody answers it: count it here
      ctx.close();
    } else {
      listener.accept(refused);
    }
  }
}
