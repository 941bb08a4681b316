package dev.crossgate.routing.proxy;

import dev.crossgate.routing.filter.trace.TraceContextFilter;

/** Keeps a caller's {@code x-request-id} when it is sane, otherwise makes a new one. */
final class RequestIds {

  private static final int MAX_LENGTH = 128;

  private RequestIds() {}

  static String fromOrNew(String incoming) {
    return isSane(incoming) ? incoming : TraceContextFilter.randomHex(16);
  }

  private static boolean isSane(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }
}
