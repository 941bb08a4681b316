package dev.crossgate.e2e;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * A mesh app's answer: its own name and the caller identity its sidecar handed it, as
 * {@code <app> <x-crossgate-peer or ->}, so every response of a load run says which instance
 * served it and whether it came over mTLS (and from whom) or plaintext.
 */
final class PeerEcho {

  /** What an app prints when no {@code x-crossgate-peer} arrived (the request was plaintext). */
  static final String PLAINTEXT = "-";

  private PeerEcho() {}

  static Handler<HttpServerRequest> answeringAs(String app) {
    return request -> {
      String peer = request.getHeader("x-crossgate-peer");
      request.response().putHeader("content-type", "text/plain")
          .end(app + " " + (peer == null ? PLAINTEXT : peer));
    };
  }

  /** The app name in an answer of {@link #answeringAs}. */
  static String app(String body) {
    int space = body.indexOf(' ');
    return space < 0 ? "" : body.substring(0, space);
  }

  /** The peer in an answer of {@link #answeringAs}; {@link #PLAINTEXT} for none. */
  static String peer(String body) {
    int space = body.indexOf(' ');
    return space < 0 ? "" : body.substring(space + 1);
  }
}
