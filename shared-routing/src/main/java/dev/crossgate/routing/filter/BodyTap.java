package dev.crossgate.routing.filter;

import io.vertx.core.buffer.Buffer;

/**
 * Sees a copy of the request body as it streams upstream, without slowing it: a tap must never
 * block and must drop data rather than buffer without bound.
 */
public interface BodyTap {

  /** A chunk of the request body. */
  void onChunk(Buffer chunk);

  /** The request body ended. */
  void onEnd();

  /** The request was aborted before its body ended. */
  void onAbort();
}
