package dev.crossgate.routing.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.VertxHandler;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Sends request trailers on a chunked HTTP/1.1 request toward a backend. Vert.x 5's
 * {@link HttpClientRequest} has no trailer API: its {@code end()} writes a Netty
 * {@link LastHttpContent} without trailing headers. This handler sits on the backend
 * connection's Netty pipeline, just before Vert.x's own handler, and replaces the next
 * {@code LastHttpContent} of the armed request with one carrying the trailers (hop-by-hop and
 * framing fields removed); Netty's encoder writes them after the last chunk. Armed per request:
 * HTTP/1.1 connections carry one request at a time, and the next {@code LastHttpContent} always
 * disarms it, so trailers never leak into a later request on a pooled connection.
 */
public final class RequestTrailers extends ChannelOutboundHandlerAdapter {

  private static final String NAME = "crossgate-request-trailers";

  private volatile Supplier<MultiMap> armed;

  private RequestTrailers() {}

  /**
   * Arranges for {@code trailers} (read when the request ends) to be sent as the trailers of
   * {@code request}. Returns false, sending none, when the request is not HTTP/1.1 or its
   * connection is not a Netty-backed Vert.x connection.
   */
  public static boolean arm(HttpClientRequest request, Supplier<MultiMap> trailers) {
    if (request.version() != HttpVersion.HTTP_1_1) {
      return false;
    }
    HttpConnection connection = request.connection();
    if (!(connection instanceof ConnectionBase base)) {
      return false;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    RequestTrailers writer = (RequestTrailers) pipeline.get(NAME);
    if (writer == null) {
      String vertx = vertxHandlerName(pipeline);
      if (vertx == null) {
        return false;
      }
      writer = new RequestTrailers();
      pipeline.addBefore(vertx, NAME, writer);
    }
    writer.armed = trailers;
    return true;
  }

  /** The name of Vert.x's own handler on {@code pipeline}, or null. */
  public static String vertxHandlerName(ChannelPipeline pipeline) {
    for (Map.Entry<String, io.netty.channel.ChannelHandler> entry : pipeline) {
      if (entry.getValue() instanceof VertxHandler<?>) {
        return entry.getKey();
      }
    }
    return null;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    Supplier<MultiMap> source = armed;
    if (source != null && msg instanceof LastHttpContent last) {
      armed = null;
      MultiMap trailers = source.get();
      if (!(msg instanceof HttpMessage) && trailers != null && !trailers.isEmpty()) {
        DefaultLastHttpContent withTrailers =
            new DefaultLastHttpContent(last.content().retainedDuplicate());
        for (Map.Entry<String, String> field : HopByHopHeaders.copyWithout(trailers)) {
          withTrailers.trailingHeaders().add(field.getKey(), field.getValue());
        }
        last.release();
        ctx.write(withTrailers, promise);
        return;
      }
    }
    ctx.write(msg, promise);
  }
}
