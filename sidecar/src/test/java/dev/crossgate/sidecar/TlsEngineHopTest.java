package dev.crossgate.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.WorkloadIdentity;
import dev.crossgate.policy.server.store.ChangeSet;
import dev.crossgate.sidecar.tls.TlsEngine;
import dev.crossgate.testkit.TestBackend;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One mTLS hop per TLS engine, chosen explicitly: sidecars {@code ja → jb} with the JDK's
 * SSLEngine, {@code oa → ob} with BoringSSL, and the two mixed hops (each engine talks to the
 * other). The callee's app sees the caller's SPIFFE id in {@code x-crossgate-peer}; with BoringSSL
 * a peer presenting another service's identity is refused by the caller (the SPIFFE trust manager
 * runs under OpenSSL) and a client without a certificate by the callee.
 */
class TlsEngineHopTest {

  static Path data;
  static PolicyServer engine;
  static TestBackend app;
  static SidecarServer ja;
  static SidecarServer jb;
  static SidecarServer oa;
  static SidecarServer ob;
  static DistributionClient impostor;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    data = Files.createTempDirectory("crossgate-tls-engine");
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0));
    app = TestBackend.start("app");
    jb = SidecarServer.start(options("jb", TlsEngine.JDK));
    ob = SidecarServer.start(options("ob", TlsEngine.OPENSSL));
    ja = SidecarServer.start(options("ja", TlsEngine.JDK));
    oa = SidecarServer.start(options("oa", TlsEngine.OPENSSL));
    StringBuilder yaml = new StringBuilder();
    for (String service : List.of("jb", "ob", "impostor")) {
      yaml.append("""
          apiVersion: crossgate.dev/v1alpha1
          kind: Service
          metadata: {name: %s, namespace: shop}
          spec:
            endpoints: [{address: 127.0.0.1, port: %d}]
          ---
          """.formatted(service, app.port()));
    }
    List<Resource> resources = PolicyLoader.loadString("test.yaml", yaml.toString())
        .bundleOrThrow().resources();
    await(engine.store().apply(ChangeSet.puts(resources), OptionalLong.empty(), "test", "test"));
    for (SidecarServer sidecar : List.of(ja, jb, oa, ob)) {
      MeshHopTest.awaitReady(sidecar);
    }
    // Registers as "impostor" but advertises ob's inbound port: it presents ob's identity.
    impostor = ImpostorNode.advertising(app.vertx(), engine, ob.inboundPort());
    for (SidecarServer caller : List.of(ja, oa)) {
      MeshView.awaitMeshEndpoints(caller, "shop/jb", List.of(MeshView.inbound(jb)));
      MeshView.awaitMeshEndpoints(caller, "shop/ob", List.of(MeshView.inbound(ob)));
    }
    MeshView.awaitMeshEndpoints(oa, "shop/impostor", List.of(MeshView.inbound(ob)));
  }

  @AfterAll
  static void stop() {
    if (impostor != null) {
      impostor.close();
    }
    for (AutoCloseable closeable : new AutoCloseable[] {oa, ja, ob, jb, app, engine}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  @BeforeEach
  void reset() {
    app.reset();
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({"ja, jb", "oa, ob", "oa, jb", "ja, ob"})
  void theCalleesAppSeesTheCallerAsVerifiedPeer(String caller, String callee) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sidecar(caller).outboundPort() + "/hop"))
        .header("host", callee)
        .header("x-crossgate-peer", "spiffe://forged/ns/x/sa/y")
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(app.requests()).hasSize(1);
    assertThat(app.requests().get(0).headers().get("x-crossgate-peer"))
        .containsExactly("spiffe://crossgate.local/ns/shop/sa/" + caller);
  }

  @Test
  void eachSidecarSaysWhichEngineItUses() throws Exception {
    for (String name : List.of("ja", "jb", "oa", "ob")) {
      JsonObject dump = new JsonObject(MeshHopTest.admin(sidecar(name), "/config_dump").body());
      assertThat(dump.getString("tlsEngine")).as(name)
          .isEqualTo(name.startsWith("o") ? "openssl" : "jdk");
    }
  }

  @Test
  void withBoringSslAPeerWithAnotherServicesIdentityIsRefused() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + oa.outboundPort() + "/"))
        .header("host", "impostor").build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("x-crossgate-error"))
        .hasValue("peer_identity_mismatch");
    assertThat(response.body()).contains("the upstream presented "
        + "spiffe://crossgate.local/ns/shop/sa/ob (expected: spiffe://crossgate.local/ns/shop/sa/impostor)");
    assertThat(app.requests()).isEmpty();
  }

  @Test
  void withBoringSslAClientWithoutACertificateIsRefused() throws Exception {
    X509TrustManager trustAll = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(null, new TrustManager[] {trustAll}, null);
    int read;
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket("127.0.0.1", ob.inboundPort())) {
      socket.setSoTimeout(5_000);
      socket.startHandshake();
      socket.getOutputStream().write(
          "GET /no-cert HTTP/1.1\r\nhost: ob\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      read = socket.getInputStream().read();
    } catch (IOException refused) {
      read = -1; // the server's certificate_required alert
    }

    assertThat(read).isEqualTo(-1);
    assertThat(app.requests()).isEmpty();
  }

  static SidecarServer sidecar(String name) {
    return switch (name) {
      case "ja" -> ja;
      case "jb" -> jb;
      case "oa" -> oa;
      case "ob" -> ob;
      default -> throw new IllegalArgumentException(name);
    };
  }

  static SidecarOptions options(String service, TlsEngine tls) throws Exception {
    String token = await(engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity("shop", service), Duration.ofHours(1))).token();
    return SidecarOptions.of(service, "shop", app.port(), "127.0.0.1:" + engine.distributionPort(),
        token).withPorts(0, 0, 0).withInboundAddress("127.0.0.1").withTlsEngine(tls);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
