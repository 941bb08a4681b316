package dev.crossgate.routing.proxy;

import dev.crossgate.routing.upstream.RequestTrailers;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keeps the trailers of a chunked HTTP/1.1 request from a client. Vert.x 5's
 * {@link HttpServerRequest} drops them (it has no {@code trailers()}), so this handler sits on
 * the client connection's Netty pipeline just before Vert.x's own handler and remembers the
 * trailing headers of the last {@link LastHttpContent}, cleared by each new request head. Read it
 * once the request has ended.
 */
final class RequestTrailerCapture extends ChannelInboundHandlerAdapter implements
    Supplier<MultiMap> {

  private static final String NAME = "crossgate-request-trailer-capture";

  private volatile MultiMap trailers;

  private RequestTrailerCapture() {}

  /**
   * The trailers of {@code request} once it has ended (empty when none), or null when they
   * cannot be captured (not HTTP/1.x, or not a Netty-backed Vert.x connection). Call from the
   * request handler, before the request is resumed.
   */
  static Supplier<MultiMap> of(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      return null;
    }
    HttpConnection connection = request.connection();
    if (!(connection instanceof ConnectionBase base)) {
      return null;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    RequestTrailerCapture capture = (RequestTrailerCapture) pipeline.get(NAME);
    if (capture == null) {
      String vertx = RequestTrailers.vertxHandlerName(pipeline);
      if (vertx == null) {
        return null;
      }
      capture = new RequestTrailerCapture();
      pipeline.addBefore(vertx, NAME, capture);
    }
    return capture;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest) {
      trailers = null;
    }
    if (msg instanceof LastHttpContent last && !last.trailingHeaders().isEmpty()) {
      MultiMap copy = MultiMap.caseInsensitiveMultiMap();
      for (Map.Entry<String, String> field : last.trailingHeaders()) {
        copy.add(field.getKey(), field.getValue());
      }
      trailers = copy;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public MultiMap get() {
    MultiMap captured = trailers;
    return captured == null ? MultiMap.caseInsensitiveMultiMap() : captured;
  }
}
