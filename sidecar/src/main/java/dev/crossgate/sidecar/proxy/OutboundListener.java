package dev.crossgate.sidecar.proxy;

import static java.util.Objects.requireNonNull;

import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ErrorResponder;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.mesh.PeerIdentity;
import dev.crossgate.routing.mesh.WorkloadCertificate;
import dev.crossgate.routing.route.RequestView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ClientSSLOptions;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The outbound port the app calls: {@code Host: <service>[.<namespace>]} (or an absolute URI, as
 * through {@code http_proxy}) names the target service; {@link PathSelector} chooses the mesh or
 * the direct path from the service's {@code MeshMigration}. Mesh: a Peak-EWMA pick among its
 * sidecars, a TLS 1.3 connection with this sidecar's certificate whose peer must present the
 * target's SPIFFE id. Direct: a pick among the Service's static endpoints, in plaintext. Each
 * request is counted by service and path in {@code crossgate_sidecar_outbound_requests_total}.
 */
public final class OutboundListener {

  private final Vertx vertx;
  private final String bindAddress;
  private final int port;
  private final String namespace;
  private final Supplier<MeshServices> services;
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private HttpClientAgent mesh;
  private HttpClientAgent direct;
  private HttpServer server;
  private volatile String trustDomain;

  public OutboundListener(Vertx vertx, String bindAddress, int port, String namespace,
      Supplier<MeshServices> services, MeterRegistry registry) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.registry = requireNonNull(registry, "registry");
    this.bindAddress = requireNonNull(bindAddress, "bindAddress");
    this.port = port;
    this.namespace = requireNonNull(namespace, "namespace");
    this.services = requireNonNull(services, "services");
  }

  /** Binds the port with {@code certificate} as the client identity; answers with the port. */
  public Future<Integer> start(WorkloadCertificate certificate) {
    trustDomain = PeerIdentity.trustDomainOf(certificate.spiffeId());
    mesh = vertx.httpClientBuilder().with(new HttpClientOptions().setSsl(true)
            .setKeyCertOptions(certificate.keyCertOptions())
            .setTrustOptions(certificate.trustOptions())
            // Mesh peers are named by SPIFFE id, not host name: checked after the handshake.
            .setVerifyHost(false)
            .setEnabledSecureTransportProtocols(InboundListener.TLS_1_3)
            .setKeepAlive(true).setTcpNoDelay(true))
        .build();
    direct = vertx.httpClientBuilder().with(new HttpClientOptions()
            .setKeepAlive(true).setTcpNoDelay(true))
        .build();
    return vertx.createHttpServer(new HttpServerOptions().setHost(bindAddress).setPort(port)
            .setTcpNoDelay(true))
        .requestHandler(this::handle)
        .listen()
        .map(bound -> {
          server = bound;
          return bound.actualPort();
        });
  }

  /** Uses a renewed certificate for new connections. */
  public Future<Boolean> updateCertificate(WorkloadCertificate certificate) {
    trustDomain = PeerIdentity.trustDomainOf(certificate.spiffeId());
    return mesh.updateSSLOptions(new ClientSSLOptions()
        .setKeyCertOptions(certificate.keyCertOptions())
        .setTrustOptions(certificate.trustOptions())
        .setHostnameVerificationAlgorithm("")
        .setEnabledSecureTransportProtocols(InboundListener.TLS_1_3));
  }

  private void handle(HttpServerRequest request) {
    Target target = target(request);
    if (target == null) {
      ErrorResponder.send(request.response(), Forwarder.error(ErrorReason.ROUTE_NOT_FOUND,
          "no target service: Host: " + request.getHeader("host")
              + " (expected: <service> or <service>.<namespace>, or an absolute URI)"),
          null, null, request.getHeader("content-type"));
      return;
    }
    MeshServices current = services.get();
    MeshService service = current == null ? null : current.service(target.namespace, target.service);
    if (service == null) {
      ErrorResponder.send(request.response(), Forwarder.error(ErrorReason.ROUTE_NOT_FOUND,
          "service " + target.namespace + "/" + target.service
              + " is not in this sidecar's snapshot (expected: a Service in namespace " + namespace + ")"),
          null, null, request.getHeader("content-type"));
      return;
    }
    TrafficPath path = PathSelector.choose(service, ThreadLocalRandom.current().nextDouble())
        .orElse(null);
    UpstreamEndpoint endpoint = path == null ? null
        : service.balancer(path).pick(new View(request, target));
    if (endpoint == null) {
      ErrorResponder.send(request.response(), Forwarder.error(ErrorReason.UPSTREAM_UNAVAILABLE,
          "service " + target.namespace + "/" + target.service + " has no endpoints"
              + (service.migration() == null ? "" : " on the paths its MeshMigration stage "
                  + service.migration().stage().map(Enum::name).orElse("?") + " allows")),
          null, null, request.getHeader("content-type"));
      return;
    }
    count(service, path);
    if (path == TrafficPath.DIRECT) {
      UpstreamEndpoint.Completion completion = endpoint.start();
      request.pause();
      Forwarder.forward(request, in -> direct.request(new RequestOptions()
              .setHost(endpoint.address()).setPort(endpoint.port())
              .setMethod(in.method()).setURI(target.path)
              .setHeaders(Forwarder.upstreamHeaders(in).set("host", target.authority))))
          .onComplete(ar -> completion.done(ar.succeeded() && ar.result().statusCode() < 500));
      return;
    }
    String expected = PeerIdentity.expected(trustDomain, target.namespace, target.service);
    UpstreamEndpoint.Completion completion = endpoint.start();
    request.pause();
    Forwarder.forward(request, in -> mesh.request(new RequestOptions()
            .setHost(endpoint.address()).setPort(endpoint.port())
            .setMethod(in.method()).setURI(target.path)
            .setHeaders(Forwarder.upstreamHeaders(in).set("host", target.authority)))
        .compose(upstream -> checkPeer(upstream, expected)))
        .onComplete(ar -> completion.done(ar.succeeded() && ar.result().statusCode() < 500));
  }

  private void count(MeshService service, TrafficPath path) {
    String key = path.label() + " " + service.namespace() + "/" + service.name();
    counters.computeIfAbsent(key, k -> Counter.builder("crossgate_sidecar_outbound_requests")
        .description("Requests the app sent through this sidecar, by target service and path "
            + "(mesh: mTLS to its sidecars; direct: plaintext to its static endpoints)")
        .tag("service", service.namespace() + "/" + service.name())
        .tag("path", path.label())
        .register(registry)).increment();
  }

  private static Future<HttpClientRequest> checkPeer(HttpClientRequest upstream, String expected) {
    String actual;
    try {
      actual = PeerIdentity.spiffeId(upstream.connection().peerCertificates()).orElse("none");
    } catch (SSLPeerUnverifiedException e) {
      actual = "none";
    }
    if (!actual.equals(expected)) {
      // Nothing was sent; the connection to the wrong peer is not kept for reuse.
      upstream.connection().close();
      return Future.failedFuture(Forwarder.error(ErrorReason.PEER_IDENTITY_MISMATCH,
          "the upstream presented " + actual + " (expected: " + expected + ")"));
    }
    return Future.succeededFuture(upstream);
  }

  /** Where a request goes: from an absolute URI, else from the Host header. */
  private record Target(String service, String namespace, String authority, String path) {}

  private Target target(HttpServerRequest request) {
    String uri = request.uri();
    String authority;
    String path;
    if (uri.startsWith("http://") || uri.startsWith("https://")) {
      try {
        URI parsed = URI.create(uri);
        authority = parsed.getRawAuthority();
        path = (parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath())
            + (parsed.getRawQuery() == null ? "" : "?" + parsed.getRawQuery());
      } catch (IllegalArgumentException e) {
        return null;
      }
    } else {
      authority = request.getHeader("host");
      path = uri;
    }
    if (authority == null || authority.isEmpty()) {
      return null;
    }
    String host = authority.toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon > 0 && host.indexOf(']') < colon) {
      host = host.substring(0, colon);
    }
    String[] labels = host.split("\\.");
    if (labels.length == 0 || labels[0].isEmpty()) {
      return null;
    }
    String targetNamespace = labels.length > 1 ? labels[1] : namespace;
    return new Target(labels[0], targetNamespace, authority, path);
  }

  /** What the balancer may look at. */
  private record View(HttpServerRequest request, Target target) implements RequestView {
    @Override
    public String host() {
      return target.service;
    }

    @Override
    public String path() {
      int query = target.path.indexOf('?');
      return query < 0 ? target.path : target.path.substring(0, query);
    }

    @Override
    public String method() {
      return request.method().name();
    }

    @Override
    public String header(String name) {
      return request.getHeader(name);
    }

    @Override
    public String queryParam(String name) {
      return request.getParam(name);
    }

    @Override
    public String cookie(String name) {
      var cookie = request.getCookie(name);
      return cookie == null ? null : cookie.getValue();
    }

    @Override
    public String clientAddress() {
      return request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    }
  }

  /** The bound port. */
  public int port() {
    return server.actualPort();
  }

  /** Stops accepting and closes the mesh client. */
  public Future<Void> close() {
    return (server == null ? Future.<Void>succeededFuture() : server.close())
        .compose(v -> mesh == null ? Future.succeededFuture() : mesh.close())
        .compose(v -> direct == null ? Future.succeededFuture() : direct.close());
  }
}
