package dev.crossgate.routing.hygiene;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a request the HTTP codec accepted for what could still be smuggled or abused: a
 * {@code Transfer-Encoding} other than exactly one {@code chunked} (obfuscated, repeated,
 * stacked, or in HTTP/1.0), repeated {@code Content-Length}, NUL, CR or LF in header values
 * (HTTP/2 carries them in binary frames the HTTP/1 codec never sees), too many header fields,
 * and bodies announced larger than allowed. Runs before routing, on the event loop, in O(headers).
 */
public final class RequestHygiene {

  private final RequestLimits limits;

  /** Checks with these limits. */
  public RequestHygiene(RequestLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The reason to refuse {@code request}, or null when it may proceed. */
  public ProxyException check(HttpServerRequest request) {
    MultiMap headers = request.headers();
    if (headers.size() > limits.maxHeaderCount()) {
      return new ProxyException(ErrorReason.HEADERS_TOO_LARGE, headers.size()
          + " header fields (expected: at most " + limits.maxHeaderCount() + ")");
    }
    for (Map.Entry<String, String> header : headers) {
      int bad = forbiddenCharacter(header.getValue());
      if (bad >= 0) {
        return new ProxyException(ErrorReason.BAD_REQUEST, "header " + header.getKey()
            + ": character 0x" + Integer.toHexString(bad) + " in its value (expected: no NUL,"
            + " CR or LF)");
      }
    }
    List<String> lengths = headers.getAll("content-length");
    if (lengths.size() > 1) {
      return new ProxyException(ErrorReason.AMBIGUOUS_FRAMING, "content-length: repeated "
          + lengths.size() + " times (expected: once)");
    }
    List<String> codings = headers.getAll("transfer-encoding");
    if (request.version() != HttpVersion.HTTP_2 && !codings.isEmpty()) {
      ProxyException bad = transferEncoding(request.version(), codings, lengths);
      if (bad != null) {
        return bad;
      }
    }
    if (lengths.size() == 1) {
      long length;
      try {
        length = Long.parseLong(lengths.get(0).trim());
      } catch (NumberFormatException e) {
        length = -1;
      }
      if (length < 0) {
        return new ProxyException(ErrorReason.AMBIGUOUS_FRAMING, "content-length: " + lengths.get(0)
            + " (expected: a non-negative decimal number)");
      }
      if (length > limits.maxBodySize()) {
        return new ProxyException(ErrorReason.PAYLOAD_TOO_LARGE, "content-length: " + length
            + " (expected: at most " + limits.maxBodySize() + " bytes)");
      }
    }
    return null;
  }

  private static ProxyException transferEncoding(HttpVersion version, List<String> codings,
      List<String> lengths) {
    if (version == HttpVersion.HTTP_1_0) {
      return new ProxyException(ErrorReason.AMBIGUOUS_FRAMING,
          "transfer-encoding in an HTTP/1.0 request (expected: none; HTTP/1.0 has no chunking)");
    }
    if (codings.size() > 1) {
      return new ProxyException(ErrorReason.AMBIGUOUS_FRAMING, "transfer-encoding: repeated "
          + codings.size() + " times (expected: once, chunked)");
    }
    String coding = codings.get(0).trim().toLowerCase(Locale.ROOT);
    if (!coding.equals("chunked")) {
      return new ProxyException(ErrorReason.AMBIGUOUS_FRAMING, "transfer-encoding: "
          + codings.get(0) + " (expected: exactly chunked)");
    }
    if (!lengths.isEmpty()) {
      return new ProxyException(ErrorReason.AMBIGUOUS_FRAMING,
          "transfer-encoding with content-length (expected: one of them)");
    }
    return null;
  }

  /** The first NUL, CR or LF in {@code value}, or -1. */
  private static int forbiddenCharacter(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0 || c == '\r' || c == '\n') {
        return c;
      }
    }
    return -1;
  }
}
