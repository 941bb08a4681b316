package dev.crossgate.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.DistributionClient;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.WorkloadIdentity;
import dev.crossgate.policy.server.store.ChangeSet;
import dev.crossgate.sidecar.proxy.MtlsMode;
import dev.crossgate.testkit.TestBackend;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mesh hop on loopback with the real engine: app A → sidecar A outbound → mTLS → sidecar B
 * inbound → app B. Proves the peer identity reaches the app, that STRICT refuses plaintext and
 * PERMISSIVE accepts and counts it, that a wrong identity is refused and a bad join token too.
 */
class MeshHopTest {

  static Path data;
  static PolicyServer engine;
  static TestBackend appA;
  static TestBackend appB;
  static SidecarServer sidecarA;
  static SidecarServer sidecarB;
  static DistributionClient impostor;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    data = Files.createTempDirectory("crossgate-mesh");
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0));
    appA = TestBackend.start("app-a");
    appB = TestBackend.start("app-b");
    sidecarB = SidecarServer.start(options("b", appB.port(), token("b")));
    sidecarA = SidecarServer.start(options("a", appA.port(), token("a")));
    // The static endpoints are the direct path (the apps themselves); the mesh path is the
    // sidecars that registered. Without a MeshMigration, callers use the mesh path.
    apply("""
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: b, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: impostor, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        """.formatted(appB.port(), appB.port()));
    awaitReady(sidecarA);
    awaitReady(sidecarB);
    // A node that registers as "impostor" but advertises B's inbound port: the mesh path to
    // impostor reaches a peer presenting B's identity.
    impostor = ImpostorNode.advertising(appA.vertx(), engine, sidecarB.inboundPort());
    // Ready comes with the first snapshot, which may predate the apply and registrations above.
    MeshView.awaitMeshEndpoints(sidecarA, "shop/impostor", List.of(MeshView.inbound(sidecarB)));
    MeshView.awaitMeshEndpoints(sidecarA, "shop/b", List.of(MeshView.inbound(sidecarB)));
  }

  @AfterAll
  static void stop() {
    if (impostor != null) {
      impostor.close();
    }
    for (AutoCloseable closeable : new AutoCloseable[] {sidecarA, sidecarB, appA, appB, engine}) {
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
  void permissive() {
    sidecarB.inbound().mode(MtlsMode.PERMISSIVE);
    appB.reset();
  }

  @Test
  void appBSeesAppAsVerifiedPeerThroughBothSidecars() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sidecarA.outboundPort() + "/orders?id=7"))
        .header("host", "b")
        .header("x-crossgate-peer", "spiffe://forged/ns/x/sa/y")
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getString("backend")).isEqualTo("app-b");
    assertThat(appB.requests()).hasSize(1);
    assertThat(appB.requests().get(0).uri()).isEqualTo("/orders?id=7");
    assertThat(appB.requests().get(0).headers().get("x-crossgate-peer"))
        .containsExactly("spiffe://crossgate.local/ns/shop/sa/a");
  }

  @Test
  void anAbsoluteUriWorksAsThroughAnHttpProxy() throws Exception {
    // The JDK client cannot send an absolute-form target; a raw socket does, as curl -x would.
    String raw = RawHttp.exchange(sidecarA.outboundPort(),
        "GET http://b.shop/via-proxy HTTP/1.1\r\nhost: b.shop\r\nconnection: close\r\n\r\n");
    assertThat(raw).startsWith("HTTP/1.1 200");
    assertThat(appB.requests().get(appB.requests().size() - 1).uri()).isEqualTo("/via-proxy");
  }

  @Test
  void aPeerWithAnotherServicesIdentityIsRefused() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sidecarA.outboundPort() + "/"))
        .header("host", "impostor").build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue("peer_identity_mismatch");
    assertThat(response.body()).contains(
        "the upstream presented spiffe://crossgate.local/ns/shop/sa/b (expected: spiffe://crossgate.local/ns/shop/sa/impostor)");
    assertThat(appB.requests()).isEmpty();
  }

  @Test
  void permissiveAcceptsPlaintextWithoutAPeerAndCountsIt() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sidecarB.inboundPort() + "/plain"))
        .header("x-crossgate-peer", "spiffe://forged/ns/x/sa/y").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(appB.requests().get(0).headers()).doesNotContainKey("x-crossgate-peer");
    String metrics = admin(sidecarB, "/metrics").body();
    assertThat(metrics).containsPattern(
        "crossgate_sidecar_inbound_connections_total\\{peer=\"127.0.0.1\",transport=\"plaintext\"} [1-9]");
    assertThat(metrics).containsPattern(
        "crossgate_sidecar_inbound_connections_total\\{peer=\"spiffe://crossgate.local/ns/shop/sa/a\",transport=\"mtls\"} [0-9]");
  }

  @Test
  void theInboundPortServesH2cAndMtlsHttp11OnTheConnectionItAccepted() throws Exception {
    // Plaintext h2c (prior knowledge) and mTLS without ALPN (HTTP/1.1) on the one inbound port:
    // the first bytes choose the pipeline of the accepted connection itself.
    var vertx = appA.vertx();
    var h2c = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
        .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    var http11 = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions());
    try {
      var plain = await(h2c.request(io.vertx.core.http.HttpMethod.GET, sidecarB.inboundPort(),
              "127.0.0.1", "/h2c")
          .compose(request -> request.send())
          .compose(response -> response.body().map(body -> response)));
      assertThat(plain.statusCode()).isEqualTo(200);
      assertThat(plain.version()).isEqualTo(io.vertx.core.http.HttpVersion.HTTP_2);

      var certificate = sidecarA.certificates().current().orElseThrow();
      var mtls = await(http11.request(new io.vertx.core.http.RequestOptions()
              .setHost("127.0.0.1").setPort(sidecarB.inboundPort()).setURI("/mtls-http11")
              .setSsl(true).setSslOptions(dev.crossgate.routing.mesh.MeshTls.client(certificate,
                  "spiffe://crossgate.local/ns/shop/sa/b", false)))
          .compose(request -> request.send())
          .compose(response -> response.body().map(body -> response)));
      assertThat(mtls.statusCode()).isEqualTo(200);
      assertThat(mtls.version()).isEqualTo(io.vertx.core.http.HttpVersion.HTTP_1_1);
    } finally {
      h2c.close();
      http11.close();
    }
    assertThat(appB.requests()).extracting(r -> r.uri())
        .containsExactly("/h2c", "/mtls-http11");
    assertThat(appB.requests().get(0).headers()).doesNotContainKey("x-crossgate-peer");
    assertThat(appB.requests().get(1).headers().get("x-crossgate-peer"))
        .containsExactly("spiffe://crossgate.local/ns/shop/sa/a");
  }

  @Test
  void strictRefusesPlaintextWithAClearError() throws Exception {
    sidecarB.inbound().mode(MtlsMode.STRICT);
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + sidecarB.inboundPort() + "/plain")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue("mtls_required");
    assertThat(response.body()).contains("STRICT: connect with mutual TLS");
    assertThat(appB.requests()).isEmpty();

    HttpResponse<String> meshed = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sidecarA.outboundPort() + "/strict"))
        .header("host", "b").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(meshed.statusCode()).isEqualTo(200);
  }

  @Test
  void renewingBothCertificatesUnderTrafficFailsNoRequest() throws Exception {
    String beforeA = sidecarA.certificates().current().orElseThrow().chainPem();
    String beforeB = sidecarB.certificates().current().orElseThrow().chainPem();
    java.util.concurrent.atomic.AtomicBoolean renewed = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.CompletableFuture<List<Integer>> traffic =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          List<Integer> statuses = new java.util.ArrayList<>();
          // Keep calling until both renewals are done, and a little after.
          for (int after = 0; after < 20; ) {
            try {
              statuses.add(http.send(HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + sidecarA.outboundPort() + "/renewal"))
                  .header("host", "b").build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            } catch (Exception e) {
              statuses.add(-1);
            }
            if (renewed.get()) {
              after++;
            }
          }
          return statuses;
        });
    await(sidecarA.certificates().renew());
    await(sidecarB.certificates().renew());
    renewed.set(true);
    List<Integer> statuses = traffic.get(60, TimeUnit.SECONDS);

    assertThat(statuses).hasSizeGreaterThanOrEqualTo(20).containsOnly(200);
    String afterB = sidecarB.certificates().current().orElseThrow().chainPem();
    assertThat(sidecarA.certificates().current().orElseThrow().chainPem()).isNotEqualTo(beforeA);
    assertThat(afterB).isNotEqualTo(beforeB);
    // A new connection to B's inbound port gets the renewed certificate.
    assertThat(TlsProbe.serverCertificate(sidecarB.inboundPort()))
        .isEqualTo(TlsProbe.firstCertificate(afterB));
  }

  @Test
  void anUnknownServiceIsRouteNotFound() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sidecarA.outboundPort() + "/"))
        .header("host", "nowhere").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("x-crossgate-error")).hasValue("route_not_found");
    assertThat(response.body()).contains("service shop/nowhere is not in this sidecar's snapshot");
  }

  @Test
  void theHostNamesTheServiceByItsFirstLabelAndTheNamespaceByItsSecond() throws Exception {
    for (String host : List.of("b.shop", "b.shop.svc.cluster.local", "B.Shop", "b.",
        "b.shop.svc.cluster.local.")) {
      HttpResponse<String> response = outbound(host);
      assertThat(response.statusCode()).as("Host: " + host).isEqualTo(200);
      assertThat(new JsonObject(response.body()).getString("backend")).as("Host: " + host)
          .isEqualTo("app-b");
    }
    HttpResponse<String> otherNamespace = outbound("b.elsewhere.svc");
    assertThat(otherNamespace.statusCode()).isEqualTo(404);
    assertThat(otherNamespace.headers().firstValue("x-crossgate-error"))
        .hasValue("route_not_found");
    assertThat(otherNamespace.body())
        .contains("service elsewhere/b is not in this sidecar's snapshot");
    HttpResponse<String> noService = outbound(".shop");
    assertThat(noService.statusCode()).isEqualTo(404);
    assertThat(noService.body()).contains("no target service: Host: .shop");
    HttpResponse<String> emptyNamespace = outbound("b..shop");
    assertThat(emptyNamespace.statusCode()).isEqualTo(404);
    assertThat(emptyNamespace.body()).contains("service /b is not in this sidecar's snapshot");
    HttpResponse<String> twoTrailingDots = outbound("b..");
    assertThat(twoTrailingDots.statusCode()).isEqualTo(404);
    assertThat(twoTrailingDots.body()).contains("service /b is not in this sidecar's snapshot");
  }

  private HttpResponse<String> outbound(String host) throws Exception {
    return http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sidecarA.outboundPort() + "/"))
        .header("host", host).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBadJoinTokenIsRefusedAtStart() {
    assertThatThrownBy(() -> SidecarServer.start(options("c", appA.port(), "nope")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the mesh CA refused this sidecar: UNAUTHENTICATED: join token: not of the form");
  }

  @Test
  void theAdminPortReportsTheCertificateAndSnapshot() throws Exception {
    JsonObject dump = new JsonObject(admin(sidecarA, "/config_dump").body());
    assertThat(dump.getJsonObject("certificate").getString("spiffeId"))
        .isEqualTo("spiffe://crossgate.local/ns/shop/sa/a");
    assertThat(Instant.parse(dump.getJsonObject("certificate").getString("notAfter")))
        .isAfter(Instant.now().plus(Duration.ofHours(23)));
    assertThat(dump.getJsonObject("snapshot").getJsonArray("services").encode()).contains("shop/b");
    assertThat(admin(sidecarA, "/live").statusCode()).isEqualTo(200);
    assertThat(admin(sidecarA, "/ready").statusCode()).isEqualTo(200);
  }

  static SidecarOptions options(String service, int appPort, String token) {
    return SidecarOptions.of(service, "shop", appPort, "127.0.0.1:" + engine.distributionPort(),
        token).withPorts(0, 0, 0).withInboundAddress("127.0.0.1");
  }

  static String token(String serviceAccount) throws Exception {
    return await(engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity("shop", serviceAccount), Duration.ofHours(1))).token();
  }

  static HttpResponse<String> admin(SidecarServer sidecar, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + sidecar.adminPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void awaitReady(SidecarServer sidecar) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!sidecar.ready()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("sidecar not ready in 30 s: " + admin(sidecar, "/config_dump").body());
      }
      Thread.sleep(20);
    }
  }

  static void awaitSnapshotWith(SidecarServer sidecar, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String dump;
    while (!(dump = admin(sidecar, "/config_dump").body()).contains(text)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("snapshot without " + text + " after 30 s: " + dump);
      }
      Thread.sleep(20);
    }
  }

  static void apply(String yaml) throws Exception {
    List<Resource> resources = PolicyLoader.loadString("test.yaml", yaml).bundleOrThrow().resources();
    await(engine.store().apply(ChangeSet.puts(resources), OptionalLong.empty(), "test", "test"));
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
