package dev.crossgate.routing.filter.mirror;

import dev.crossgate.routing.filter.HttpFilter;
import dev.crossgate.routing.filter.ProxyExchange;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.upstream.Backend;
import dev.crossgate.routing.upstream.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a copy of a share of requests to a mirror backend. The copy never slows the real request:
 * its body is copied only while the mirror keeps up (see {@link MirrorBodyTap}), and its response
 * is read and discarded.
 */
public final class RequestMirrorFilter implements HttpFilter {

  /** The header marking a mirrored request. */
  public static final String MIRROR_HEADER = "x-crossgate-mirror";

  private static final Logger LOG = LoggerFactory.getLogger(RequestMirrorFilter.class);

  private final Backend backend;
  private final int percent;
  private final UpstreamClient client;

  /**
   * A mirror filter.
   *
   * @param backend where copies go
   * @param percent the share of requests copied, 0..100
   * @param client the upstream client
   */
  public RequestMirrorFilter(Backend backend, int percent, UpstreamClient client) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.percent = percent;
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public Future<Void> onRequest(ProxyExchange exchange) {
    if (percent < 100 && ThreadLocalRandom.current().nextInt(100) >= percent) {
      return CONTINUE;
    }
    UpstreamEndpoint endpoint = backend.loadBalancer().pick(exchange.view());
    if (endpoint == null) {
      return CONTINUE;
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(exchange.upstreamHeaders());
    headers.set(MIRROR_HEADER, "1");
    MirrorBodyTap tap = new MirrorBodyTap(exchange.requestHasBody());
    exchange.addBodyTap(tap);
    client.open(endpoint, backend.protocol(), exchange.request().method(),
            exchange.upstreamUri(), headers, exchange.upstreamAuthority(),
            backend.resilience().pool(), backend.tls())
        .onSuccess(tap::attach)
        .onFailure(e -> {
          tap.abandon();
          LOG.debug("mirror to {} failed: {}", backend.name(), e.getMessage());
        });
    return CONTINUE;
  }
}
