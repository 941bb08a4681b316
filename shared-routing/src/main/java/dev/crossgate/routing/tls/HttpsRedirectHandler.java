package dev.crossgate.routing.tls;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ErrorResponder;
import dev.crossgate.routing.error.ProxyException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

/**
 * Answers every request of a plain-HTTP listener with a redirect to the same host and path over
 * HTTPS.
 */
public final class HttpsRedirectHandler implements Handler<HttpServerRequest> {

  private final int httpsPort;
  private final int status;

  /**
   * A handler.
   *
   * @param httpsPort the port in the {@code Location}; 443 is left out
   * @param status {@code 301} or {@code 308}
   */
  public HttpsRedirectHandler(int httpsPort, int status) {
    this.httpsPort = httpsPort;
    this.status = status;
  }

  @Override
  public void handle(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    if (authority == null || authority.host().isEmpty()) {
      ErrorResponder.send(request.response(), new ProxyException(ErrorReason.BAD_REQUEST,
          "no Host header (expected: a host to redirect to over HTTPS)"), null, null);
      return;
    }
    String host = authority.host();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    String location = "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort)
        + request.uri();
    request.response().setStatusCode(status).putHeader("location", location)
        .putHeader("content-length", "0").end();
  }
}
