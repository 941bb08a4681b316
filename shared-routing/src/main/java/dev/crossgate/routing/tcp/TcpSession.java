package dev.crossgate.routing.tcp;

import dev.crossgate.routing.metrics.ConnectionEvents;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.function.LongConsumer;

/**
 * One proxied TCP connection: the client socket and, once connected, the backend socket. Bytes
 * are relayed both ways as Netty buffers (no copy) with back-pressure, and a half-close travels:
 * when one side shuts its write side (FIN), the other side's write side is shut once every byte
 * before the FIN was written, while the opposite direction keeps flowing. Both sockets close when
 * both directions are done, or when either side closes or resets.
 *
 * <p>Vert.x's {@code NetSocket} has no half-close: a FIN closes the socket. So each channel gets
 * Netty's {@link ChannelOption#ALLOW_HALF_CLOSURE}, the bytes are read through
 * {@link NetSocketInternal#messageHandler} and the FIN through
 * {@link NetSocketInternal#eventHandler} ({@link ChannelInputShutdownEvent}, delivered in order
 * after the bytes), and the write side is shut with {@link DuplexChannel#shutdownOutput()}.
 * Runs on the client socket's event loop.
 */
final class TcpSession {

  private final NetSocketInternal client;
  private final ConnectionEvents events;
  private final Runnable onEnd;
  private NetSocketInternal backend;
  /** Client bytes (and a FIN, as {@link #FIN}) read before the backend was connected. */
  private final ArrayDeque<Object> early = new ArrayDeque<>();
  private static final Object FIN = new Object();
  private String firstFin;
  private boolean clientDone;
  private boolean backendDone;
  private boolean closed;

  TcpSession(NetSocket client, ConnectionEvents events, Runnable onEnd) {
    this.client = (NetSocketInternal) client;
    this.events = events;
    this.onEnd = onEnd;
    allowHalfClosure(this.client);
    this.client.pause(); // until the backend is connected
    this.client.messageHandler(msg -> {
      if (backend == null) {
        early.add(msg);
      } else {
        relay(this.client, backend, msg, events::toBackend);
      }
    });
    this.client.eventHandler(event -> {
      if (event instanceof ChannelInputShutdownEvent) {
        if (backend == null) {
          early.add(FIN);
        } else {
          finished(backend, true);
        }
      }
    });
    this.client.exceptionHandler(e -> { }); // a reset: the close handler ends the session
    this.client.closeHandler(v -> end("client"));
  }

  /** The backend is connected: flush what the client sent meanwhile and relay both ways. */
  void connected(NetSocket socket) {
    backend = (NetSocketInternal) socket;
    allowHalfClosure(backend);
    backend.messageHandler(msg -> relay(backend, client, msg, events::toClient));
    backend.eventHandler(event -> {
      if (event instanceof ChannelInputShutdownEvent) {
        finished(client, false);
      }
    });
    backend.exceptionHandler(e -> { });
    backend.closeHandler(v -> end("backend"));
    if (closed) {
      backend.close();
      early.forEach(ReferenceCountUtil::release);
      early.clear();
      return;
    }
    while (!early.isEmpty()) {
      Object msg = early.poll();
      if (msg == FIN) {
        finished(backend, true);
      } else {
        relay(client, backend, msg, events::toBackend);
      }
    }
    client.resume();
  }

  /** Closes the client: no backend could be reached. */
  void connectFailed() {
    early.forEach(ReferenceCountUtil::release);
    early.clear();
    if (!closed) {
      closed = true;
      events.closed("connect_failed", "none");
      onEnd.run();
    }
    client.close();
  }

  private static void allowHalfClosure(NetSocketInternal socket) {
    socket.channelHandlerContext().channel().config()
        .setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
  }

  private static void relay(NetSocketInternal from, NetSocketInternal to, Object msg,
      LongConsumer counter) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    counter.accept(buf.readableBytes());
    to.writeMessage(buf); // Netty releases it once written
    if (to.writeQueueFull()) {
      from.pause();
      to.drainHandler(v -> from.resume());
    }
  }

  /**
   * One side sent its FIN: once everything before it is written to {@code to}, shut {@code to}'s
   * write side; when both directions are done, close both.
   */
  private void finished(NetSocketInternal to, boolean fromClient) {
    if (firstFin == null) {
      firstFin = fromClient ? "client" : "backend";
    }
    to.writeMessage(Unpooled.EMPTY_BUFFER).onComplete(ar -> {
      Channel channel = to.channelHandlerContext().channel();
      if (channel instanceof DuplexChannel duplex && channel.isActive()) {
        duplex.shutdownOutput();
      }
      if (fromClient) {
        clientDone = true;
      } else {
        backendDone = true;
      }
      if (clientDone && backendDone) {
        end(firstFin);
      }
    });
  }

  /** Ends the session once: closes both sockets after pending bytes are written. */
  private void end(String initiator) {
    if (closed) {
      return;
    }
    closed = true;
    events.closed(initiator, "none");
    onEnd.run();
    client.end();
    if (backend != null) {
      backend.end();
    }
  }
}
