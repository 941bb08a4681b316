package dev.crossgate.bench.floor;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.Set;

/**
 * The floor of the sidecar's stack, for the mesh-hop bench ({@code bench/sidecar.sh}, target
 * {@code vertx-mesh}): a proxy on the same Vert.x, Netty and BoringSSL as the sidecar, with the
 * same transport choices (one event loop; the caller's sidecar speaks HTTP/2 over TLS 1.3 with a
 * client certificate; the callee requires one) and nothing else: no control plane, routing table,
 * authorization, metrics, retries or identity checks beyond the certificate chain. What it costs
 * is what any proxy on this stack costs; what the sidecar costs above it is Crossgate's own.
 *
 * <pre>
 *   outbound PORT TARGET_PORT CERT KEY CA   plain HTTP/1.1 and h2c in; h2 over mTLS to TARGET_PORT
 *   inbound  PORT TARGET_PORT CERT KEY CA   mTLS in (client certificate required; h2 or HTTP/1.1);
 *                                           HTTP/1.1 to TARGET_PORT
 * </pre>
 *
 * <p>Prints {@code floor ROLE listening on PORT} once it accepts connections.
 */
public final class StackFloor {

  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "host");

  private StackFloor() {
  }

  /**
   * Starts one side of the floor pair.
   *
   * @param args role, listen port, target port, certificate, key and CA PEM paths
   */
  public static void main(String[] args) {
    if (args.length != 6 || !Set.of("outbound", "inbound").contains(args[0])) {
      System.err.println("usage: StackFloor outbound|inbound PORT TARGET_PORT CERT KEY CA");
      System.exit(2);
    }
    String role = args[0];
    int port = Integer.parseInt(args[1]);
    int target = Integer.parseInt(args[2]);
    PemKeyCertOptions identity = new PemKeyCertOptions().setCertPath(args[3]).setKeyPath(args[4]);
    PemTrustOptions trust = new PemTrustOptions().addCertPath(args[5]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2));
    boolean outbound = role.equals("outbound");
    HttpClientOptions clientOptions = new HttpClientOptions().setKeepAlive(true)
        .setTcpNoDelay(true).setDefaultHost("127.0.0.1").setDefaultPort(target);
    if (outbound) {
      clientOptions.setProtocolVersion(HttpVersion.HTTP_2).setSsl(true).setUseAlpn(true)
          .setSslEngineOptions(new OpenSSLEngineOptions()).setKeyCertOptions(identity)
          .setTrustOptions(trust).setVerifyHost(false)
          .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"));
    }
    HttpClientAgent client = vertx.createHttpClient(clientOptions,
        new PoolOptions().setHttp1MaxSize(64).setHttp2MaxSize(1));
    HttpServerOptions serverOptions = new HttpServerOptions().setHost("127.0.0.1").setPort(port)
        .setTcpNoDelay(true);
    if (outbound) {
      serverOptions.setHttp2ClearTextEnabled(true);
    } else {
      serverOptions.setSsl(true).setUseAlpn(true).setSslEngineOptions(new OpenSSLEngineOptions())
          .setKeyCertOptions(identity).setTrustOptions(trust).setClientAuth(ClientAuth.REQUIRED)
          .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"));
    }
    vertx.createHttpServer(serverOptions)
        .requestHandler(request -> forward(client, request))
        .listen()
        .onSuccess(server -> System.out.println("floor " + role + " listening on "
            + server.actualPort()))
        .onFailure(failure -> {
          System.err.println("floor " + role + ": cannot listen on " + port + ": " + failure);
          System.exit(1);
        });
  }

  private static void forward(HttpClientAgent client, HttpServerRequest request) {
    request.pause();
    RequestOptions options = new RequestOptions().setMethod(request.method())
        .setURI(request.uri());
    MultiMap headers = options.getHeaders() == null ? MultiMap.caseInsensitiveMultiMap()
        : options.getHeaders();
    request.headers().forEach(header -> {
      if (!HOP_BY_HOP.contains(header.getKey().toLowerCase())) {
        headers.add(header.getKey(), header.getValue());
      }
    });
    options.setHeaders(headers);
    Future<HttpClientResponse> response = client.request(options)
        .compose(upstream -> upstream.send(request));
    response.onSuccess(upstream -> {
      request.response().setStatusCode(upstream.statusCode());
      upstream.headers().forEach(header -> {
        if (!HOP_BY_HOP.contains(header.getKey().toLowerCase())) {
          request.response().headers().add(header.getKey(), header.getValue());
        }
      });
      upstream.pipeTo(request.response());
    }).onFailure(failure -> request.response().setStatusCode(502)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end("floor: " + failure + "\n"));
  }
}
