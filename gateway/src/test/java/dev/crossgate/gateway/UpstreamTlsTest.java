package dev.crossgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.testkit.TestCertificates;
import dev.crossgate.testkit.TestCertificates.KeyType;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS toward a real TLS backend: the certificate is verified against the Service's CA bundle
 * and server name (sent as SNI), a wrong name or an untrusted CA is refused with a 503 that says
 * why, and a client certificate is presented when the backend asks for one. WebSocket upgrades
 * and mirrored copies go over the same TLS.
 */
class UpstreamTlsTest {

  @TempDir Path dir;
  Vertx vertx;
  HttpServer backend;
  TestCertificates ca;
  GatewayFixture gateway;
  final List<String> mirrored = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startBackend() throws Exception {
    vertx = Vertx.vertx();
    ca = TestCertificates.ca("Backend CA");
    TestCertificates.Leaf leaf = ca.issue(KeyType.EC, "users.internal", "localhost");
    backend = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setHost("127.0.0.1")
            .setPort(0).setSni(true)
            .setKeyCertOptions(new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(leaf.chainPem()))
                .setKeyValue(Buffer.buffer(leaf.pkcs8KeyPem())))
            .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ca.certificatePem())))
            .setClientAuth(ClientAuth.REQUEST))
        .requestHandler(request -> {
          String client = "none";
          try {
            if (request.connection().isSsl() && request.connection().sslSession() != null) {
              var peers = request.connection().sslSession().getPeerCertificates();
              client = ((X509Certificate) peers[0]).getSubjectX500Principal().getName();
            }
          } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            client = "none";
          }
          if (request.getHeader("x-crossgate-mirror") != null) {
            mirrored.add(request.path() + " sni=" + request.connection().indicatedServerName());
          }
          request.response().putHeader("x-sni", String.valueOf(request.connection().indicatedServerName()))
              .putHeader("x-client-cert", client).end("secure hello");
        })
        .webSocketHandler(socket -> socket.textMessageHandler(text -> socket.writeTextMessage(
            text + " over TLS=" + socket.isSsl() + " sni=" + requestedName(socket))))
        .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    ca.writeCertificate(dir.resolve("ca.pem"));
    TestCertificates.Leaf gatewayCert = ca.issue(KeyType.RSA, "gateway.internal");
    Files.writeString(dir.resolve("gw.pem"), gatewayCert.chainPem());
    Files.writeString(dir.resolve("gw.key"), gatewayCert.traditionalKeyPem());
  }

  /** The server name the WebSocket's TLS client sent (SNI), or null. */
  private static String requestedName(io.vertx.core.http.ServerWebSocket socket) {
    if (!(socket.sslSession() instanceof javax.net.ssl.ExtendedSSLSession session)) {
      return null;
    }
    return session.getRequestedServerNames().stream()
        .map(name -> ((javax.net.ssl.SNIHostName) name).getAsciiName()).findFirst().orElse(null);
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private String service(String name, String tls) {
    return service(name, "127.0.0.1", tls);
  }

  private String service(String name, String address, String tls) {
    return """
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: %s}
        spec:
          endpoints: [{address: %s, port: %d}]
          tls: %s
        """.formatted(name, address, backend.actualPort(), tls)
        + Yaml.prefixRoute(name, "/" + name, "[{name: " + name + "}]");
  }

  @Test
  void verifiesTheBackendByCaAndNameAndRefusesAWrongOne() throws Exception {
    String ca = dir.resolve("ca.pem").toString();
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY
        + service("good", "{serverName: users.internal, caFile: " + ca + "}")
        + service("wrongname", "{serverName: orders.internal, caFile: " + ca + "}")
        + service("untrusted", "{serverName: users.internal}")
        + service("noverify", "{serverName: orders.internal, caFile: " + ca
            + ", verifyServerName: false}")
        + service("mtls", "{serverName: users.internal, caFile: " + ca
            + ", clientCertificate: {certificateFile: " + dir.resolve("gw.pem") + ", keyFile: "
            + dir.resolve("gw.key") + "}}"),
        Duration.ofSeconds(5));

    HttpResponse<String> good = gateway.get("/good");
    assertThat(good.statusCode()).isEqualTo(200);
    assertThat(good.body()).isEqualTo("secure hello");
    assertThat(good.headers().firstValue("x-sni")).hasValue("users.internal");
    assertThat(good.headers().firstValue("x-client-cert")).hasValue("none");

    HttpResponse<String> wrongName = gateway.get("/wrongname");
    assertThat(wrongName.statusCode()).isEqualTo(503);
    assertThat(wrongName.headers().firstValue("x-crossgate-error"))
        .hasValue("upstream_unavailable");
    assertThat(wrongName.body()).contains("TLS handshake with the backend failed")
        .contains("orders.internal");

    HttpResponse<String> untrusted = gateway.get("/untrusted");
    assertThat(untrusted.statusCode()).isEqualTo(503);
    assertThat(untrusted.body()).contains("TLS handshake with the backend failed")
        .contains("certification path");

    HttpResponse<String> noVerify = gateway.get("/noverify");
    assertThat(noVerify.statusCode()).isEqualTo(200);
    assertThat(noVerify.headers().firstValue("x-sni")).hasValue("orders.internal");

    HttpResponse<String> mtls = gateway.get("/mtls");
    assertThat(mtls.statusCode()).isEqualTo(200);
    assertThat(mtls.headers().firstValue("x-client-cert")).hasValue("CN=gateway.internal");

    // the good Service still works: the refused ones never shared its connections
    assertThat(gateway.get("/good").statusCode()).isEqualTo(200);
  }

  @Test
  void webSocketsAndMirroredCopiesUseTheServicesTlsToo() throws Exception {
    String ca = dir.resolve("ca.pem").toString();
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY
        + service("secure", "localhost", "{serverName: localhost, caFile: " + ca + "}")
        + service("named", "127.0.0.1", "{serverName: users.internal, caFile: " + ca + "}")
        + """
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: mirrored}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - matches: [{path: {type: PathPrefix, value: /mirrored}}]
              filters:
                - type: RequestMirror
                  requestMirror: {backendRef: {name: named}, percent: 100}
              backendRefs: [{name: named}]
        """, Duration.ofSeconds(5));

    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
            .setPort(gateway.server.port("http")).setURI("/secure/ws"))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    CompletableFuture<String> answer = new CompletableFuture<>();
    socket.textMessageHandler(answer::complete);
    socket.writeTextMessage("hello");
    // verified as localhost (the JDK sends no SNI for a name without a dot)
    assertThat(answer.get(20, TimeUnit.SECONDS)).startsWith("hello over TLS=true ");
    socket.close();

    // A serverName other than the endpoint's address: refused with the reason, not plaintext.
    CompletableFuture<Throwable> refused = new CompletableFuture<>();
    client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
            .setPort(gateway.server.port("http")).setURI("/named/ws"))
        .onComplete(ar -> refused.complete(ar.cause()));
    assertThat(refused.get(20, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, rejected -> {
          assertThat(rejected.getStatus()).isEqualTo(503);
          assertThat(rejected.getBody().toString()).contains("tls.serverName users.internal is"
              + " not the endpoint address 127.0.0.1");
        });

    assertThat(gateway.get("/mirrored/copy").statusCode()).isEqualTo(200);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (mirrored.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(mirrored).containsExactly("/mirrored/copy sni=users.internal");
  }
}
