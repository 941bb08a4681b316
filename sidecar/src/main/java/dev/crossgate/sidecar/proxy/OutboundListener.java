package dev.crossgate.sidecar.proxy;

import static java.util.Objects.requireNonNull;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ErrorResponder;
import dev.crossgate.routing.mesh.WorkloadCertificate;
import dev.crossgate.routing.proxy.ProxyHandler;
import dev.crossgate.routing.route.RequestHosts;
import dev.crossgate.sidecar.outbound.OutboundRouting;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Supplier;

/**
 * The outbound port the app calls, in HTTP/1.1 or h2c: {@code Host: <service>[.<namespace>]}
 * (or an absolute URI, as through {@code http_proxy}) names the target service. A service that
 * is not in the snapshot is answered {@code route_not_found} here; everything else goes through
 * the shared routing core ({@link OutboundRouting}): the service's mesh routes or its default
 * route, retries and timeouts, then the mesh or the direct path per request.
 */
public final class OutboundListener {

  private final Vertx vertx;
  private final String bindAddress;
  private final int port;
  private final String namespace;
  private final Supplier<MeshServices> services;
  private final OutboundRouting routing;
  private ProxyHandler handler;
  private HttpServer server;

  public OutboundListener(Vertx vertx, String bindAddress, int port, String namespace,
      Supplier<MeshServices> services, OutboundRouting routing) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.bindAddress = requireNonNull(bindAddress, "bindAddress");
    this.port = port;
    this.namespace = requireNonNull(namespace, "namespace");
    this.services = requireNonNull(services, "services");
    this.routing = requireNonNull(routing, "routing");
  }

  /** Binds the port with {@code certificate} as the mesh client identity; answers with the port. */
  public Future<Integer> start(WorkloadCertificate certificate) {
    routing.certificate(certificate);
    handler = routing.handler();
    return vertx.createHttpServer(new HttpServerOptions().setHost(bindAddress).setPort(port)
            .setTcpNoDelay(true).setHttp2ClearTextEnabled(true))
        .requestHandler(this::handle)
        .listen()
        .map(bound -> {
          server = bound;
          return bound.actualPort();
        });
  }

  /** Uses a renewed certificate for new mesh connections. */
  public Future<Boolean> updateCertificate(WorkloadCertificate certificate) {
    routing.certificate(certificate);
    return Future.succeededFuture(true);
  }

  private void handle(HttpServerRequest request) {
    String host = RequestHosts.of(request.authority()); // "b.shop." is "b.shop"
    // <service>[.<namespace>[.anything]]: the first two labels, without a split per request
    int dot = host.indexOf('.');
    String service = dot < 0 ? host : host.substring(0, dot);
    if (service.isEmpty()) {
      ErrorResponder.send(request.response(), ProxyProblems.error(ErrorReason.ROUTE_NOT_FOUND,
          "no target service: Host: " + request.getHeader("host")
              + " (expected: <service> or <service>.<namespace>, or an absolute URI)"),
          null, null, request.getHeader("content-type"));
      return;
    }
    int end = dot < 0 ? -1 : host.indexOf('.', dot + 1);
    String targetNamespace = dot < 0 ? namespace
        : end < 0 ? host.substring(dot + 1) : host.substring(dot + 1, end);
    MeshServices current = services.get();
    if (current == null || current.service(targetNamespace, service) == null) {
      ErrorResponder.send(request.response(), ProxyProblems.error(ErrorReason.ROUTE_NOT_FOUND,
          "service " + targetNamespace + "/" + service
              + " is not in this sidecar's snapshot (expected: a Service in namespace "
              + namespace + ")"),
          null, null, request.getHeader("content-type"));
      return;
    }
    handler.handle(request);
  }

  /** The bound port. */
  public int port() {
    return server.actualPort();
  }

  /** Stops accepting and closes the upstream connections. */
  public Future<Void> close() {
    return (server == null ? Future.<Void>succeededFuture() : server.close())
        .compose(v -> routing.close());
  }
}
