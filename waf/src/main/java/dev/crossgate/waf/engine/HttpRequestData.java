package dev.crossgate.waf.engine;

import java.util.List;
import java.util.Map;

/**
 * The request as the WAF sees it.
 *
 * @param method request method
 * @param uri request target as sent (path and query, or absolute form)
 * @param protocol e.g. {@code HTTP/1.1}
 * @param headers header fields in order (names as sent)
 * @param body body bytes (may be empty)
 * @param remoteAddr client address
 * @param remotePort client port
 */
public record HttpRequestData(String method, String uri, String protocol, List<Map.Entry<String, String>> headers,
    byte[] body, String remoteAddr, int remotePort) {
}
