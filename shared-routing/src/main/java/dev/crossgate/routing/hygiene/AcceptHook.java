package dev.crossgate.routing.hygiene;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.lang.reflect.Field;
import java.util.function.Consumer;

/**
 * Runs a hook on every connection a Vert.x HTTP server accepts, before any byte of it is read.
 * Vert.x 5 reports a cleartext connection that may upgrade to h2c only after its first request
 * head was decoded, which is too late for a handler that must see that head's raw bytes; this
 * hook sits on the listening channel's pipeline instead, in front of Netty's acceptor.
 *
 * <p>Vert.x offers no public way to reach the listening channel, so it is read from the server's
 * internals (pinned Vert.x 5.0.x field names); {@link #install} returns false when they moved,
 * and the caller falls back to its connection handler.
 */
public final class AcceptHook {

  /** The hook's name in the listening channel's pipeline. */
  public static final String NAME = "crossgate-accept-hook";

  private AcceptHook() {}

  /**
   * Runs {@code hook} with each channel {@code server} accepts from now on, once per listening
   * channel however many servers share it. False when the listening channel cannot be found.
   */
  public static boolean install(HttpServer server, Consumer<Channel> hook) {
    Channel listening = listeningChannel(server);
    if (listening == null) {
      return false;
    }
    synchronized (listening) {
      if (listening.pipeline().get(NAME) == null) {
        listening.pipeline().addFirst(NAME, new Interceptor(hook));
      }
    }
    return true;
  }

  private static Channel listeningChannel(HttpServer server) {
    try {
      Object tcpServer = field(server, "tcpServer");
      Object actual = field(tcpServer, "actualServer");
      Object bound = field(actual == null ? tcpServer : actual, "bindFuture");
      if (bound instanceof Future<?> future && future.result() instanceof Channel channel) {
        return channel;
      }
      return null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Object field(Object target, String name) throws ReflectiveOperationException {
    if (target == null) {
      return null;
    }
    for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
      try {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      }
    }
    throw new NoSuchFieldException(target.getClass().getName() + "." + name);
  }

  @ChannelHandler.Sharable
  private static final class Interceptor extends ChannelInboundHandlerAdapter {

    private final Consumer<Channel> hook;

    Interceptor(Consumer<Channel> hook) {
      this.hook = hook;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel accepted) {
        hook.accept(accepted);
      }
      ctx.fireChannelRead(msg);
    }
  }
}
