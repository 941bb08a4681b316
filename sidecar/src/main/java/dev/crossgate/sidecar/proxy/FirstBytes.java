package dev.crossgate.sidecar.proxy;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;

/**
 * The first handler of an inbound connection's pipeline: it takes the connection's first bytes,
 * removes itself and hands them, with the pipeline, to a {@link Decision} that sets the rest of
 * the pipeline up (TLS or plaintext, HTTP or opaque bytes) and passes them on. Runs once per
 * connection, on its event loop; nothing is copied and no second connection is opened.
 */
final class FirstBytes extends ChannelInboundHandlerAdapter {

  /** What to do with a connection once its first bytes are known. */
  @FunctionalInterface
  interface Decision {

    /**
     * Sets up {@code pipeline} for the connection whose first bytes are {@code first}; owns
     * {@code first} (passes it on or releases it).
     */
    void decide(ChannelPipeline pipeline, ByteBuf first);
  }

  /** The pipeline name of this handler. */
  static final String NAME = "crossgate-first-bytes";
  private static final byte TLS_HANDSHAKE = 0x16;

  private final Decision decision;

  FirstBytes(Decision decision) {
    this.decision = requireNonNull(decision, "decision");
  }

  /** Whether {@code first} opens a TLS handshake record (content type 22). */
  static boolean tlsHello(ByteBuf first) {
    return first.isReadable() && first.getByte(first.readerIndex()) == TLS_HANDSHAKE;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ChannelPipeline pipeline = ctx.pipeline();
    pipeline.remove(this);
    if (!(msg instanceof ByteBuf first)) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    decision.decide(pipeline, first);
  }
}
