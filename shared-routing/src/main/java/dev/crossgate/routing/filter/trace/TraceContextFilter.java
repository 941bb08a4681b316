package dev.crossgate.routing.filter.trace;

import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.ProxyExchange;
import io.vertx.core.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Propagates a W3C {@code traceparent} with a new parent id for this hop, or starts a trace when
 * the request has none or an invalid one. Sets {@code x-request-id} upstream and on the response.
 */
public final class TraceContextFilter implements HttpFilter {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  @Override
  public Future<Void> onRequest(ProxyExchange exchange) {
    var headers = exchange.upstreamHeaders();
    String incoming = headers.get("traceparent");
    String traceId;
    String flags;
    if (incoming != null && isValid(incoming)) {
      traceId = incoming.substring(3, 35);
      flags = incoming.substring(53, 55);
    } else {
      traceId = randomHex(16);
      flags = "01";
      headers.remove("tracestate");
    }
    headers.set("traceparent", "00-" + traceId + "-" + randomHex(8) + "-" + flags);
    headers.set("x-request-id", exchange.requestId());
    return CONTINUE;
  }

  @Override
  public void onResponse(ProxyExchange exchange) {
    exchange.responseHeaders().set("x-request-id", exchange.requestId());
  }

  /** Whether {@code value} is a version-00 traceparent with non-zero ids. */
  static boolean isValid(String value) {
    if (value.length() != 55 || !value.startsWith("00-") || value.charAt(35) != '-'
        || value.charAt(52) != '-') {
      return false;
    }
    return isLowerHex(value, 3, 35) && isLowerHex(value, 36, 52) && isLowerHex(value, 53, 55)
        && !allZero(value, 3, 35) && !allZero(value, 36, 52);
  }

  private static boolean isLowerHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean allZero(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  /** {@code bytes} random bytes as lower-case hex, never all zero. */
  public static String randomHex(int bytes) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] out = new char[bytes * 2];
    for (int i = 0; i < bytes; i++) {
      int b = random.nextInt(256);
      out[2 * i] = HEX[b >>> 4];
      out[2 * i + 1] = HEX[b & 0xf];
    }
    out[out.length - 1] = HEX[1 + random.nextInt(15)];
    return new String(out);
  }
}
