package dev.crossgate.routing.filter;

import java.util.Map;

/**
 * A response a filter makes itself instead of proxying (a redirect, for instance).
 *
 * @param status the status code
 * @param headers headers to send
 * @param body the body, may be empty
 */
public record LocalReply(int status, Map<String, String> headers, String body) {
  public LocalReply {
    headers = Map.copyOf(headers);
    body = body == null ? "" : body;
  }
}
