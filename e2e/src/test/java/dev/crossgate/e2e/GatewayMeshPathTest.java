package dev.crossgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.gateway.GatewayOptions;
import dev.crossgate.gateway.GatewayServer;
import dev.crossgate.policy.codec.PolicyCodec;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.ServiceEndpoints;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.ca.WorkloadIdentity;
import dev.crossgate.policy.server.store.ChangeSet;
import dev.crossgate.routing.mesh.MeshMigrationWeights;
import dev.crossgate.routing.mesh.MeshUpstreams;
import dev.crossgate.sidecar.SidecarOptions;
import dev.crossgate.sidecar.SidecarServer;
import dev.crossgate.testkit.TestBackend;
import io.vertx.core.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's mesh path with the real engine (its CA), a real sidecar in front of app B and a
 * real gateway holding its own mesh certificate: a MeshMigration's meshWeight% of requests go
 * over mTLS to the sidecar (app B sees the gateway's SPIFFE id), the rest in plaintext to app B
 * directly; a sidecar with another service's identity is refused.
 *
 * <p>The engine does not fill {@code Snapshot.mesh_endpoints} yet (the sidecar endpoint
 * registration is another change): the test hands the gateway's mesh path the endpoints a
 * snapshot would carry, with the weights read from the real MeshMigration JSON.
 */
class GatewayMeshPathTest {

  @TempDir Path data;
  @TempDir Path state;
  PolicyServer engine;
  TestBackend appB;
  SidecarServer sidecarB;
  GatewayServer gateway;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0));
    appB = TestBackend.start("app-b");
    sidecarB = SidecarServer.start(SidecarOptions.of("b", "shop", appB.port(),
        "127.0.0.1:" + engine.distributionPort(), token("shop", "b")).withPorts(0, 0, 0)
        .withInboundAddress("127.0.0.1"));
    gateway = GatewayServer.start(GatewayOptions.controlPlane(
            "127.0.0.1:" + engine.distributionPort(), state).withPorts(Map.of("http", 0), 0),
        token("edge", "gateway"));
    eventually(() -> gateway.meshCertificates().orElseThrow().current().isPresent(),
        "the gateway's certificate");
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : new AutoCloseable[] {gateway, sidecarB, appB, engine}) {
      if (closeable != null) {
        closeable.close();
      }
    }
  }

  @Test
  void sendsTheMeshWeightOverMtlsToTheSidecarAndTheRestDirect() throws Exception {
    apply(50);
    MeshUpstreams mesh = gateway.meshUpstreams().orElseThrow();
    // The weight comes from the MeshMigration, the endpoints from b's sidecar registering with
    // the engine (Snapshot.mesh_endpoints): both through the real distribution stream.
    awaitMeshService(mesh, 50, sidecarB.inboundPort());
    double meshBefore = metric("mesh");
    double directBefore = metric("direct");
    appB.reset();
    int requests = 200;
    for (int i = 0; i < requests; i++) {
      assertThat(get("/orders").statusCode()).isEqualTo(200);
    }
    String gatewayId = "spiffe://crossgate.local/ns/edge/sa/gateway";
    long meshed = appB.requests().stream()
        .filter(r -> gatewayId.equals(r.headers().get("x-crossgate-peer") == null ? null
            : r.headers().get("x-crossgate-peer").get(0))).count();
    long direct = appB.requests().stream()
        .filter(r -> r.headers().get("x-crossgate-peer") == null).count();
    assertThat(meshed + direct).isEqualTo(requests);
    // 50% of 200: outside 50..150 has a probability below 1e-12.
    assertThat(meshed).isBetween(50L, 150L);
    assertThat(metric("mesh") - meshBefore).isEqualTo(meshed);
    assertThat(metric("direct") - directBefore).isEqualTo(direct);

    apply(100);
    awaitMeshService(mesh, 100, sidecarB.inboundPort());
    appB.reset();
    for (int i = 0; i < 20; i++) {
      assertThat(get("/all-mesh").statusCode()).isEqualTo(200);
    }
    assertThat(appB.requests()).hasSize(20).allSatisfy(r ->
        assertThat(r.headers().get("x-crossgate-peer")).containsExactly(gatewayId));
  }

  @Test
  void aSidecarWithAnotherServicesIdentityIsRefusedInTheHandshake() throws Exception {
    apply(100);
    // shop/b's mesh endpoint is a sidecar of shop/b; pretend it is service shop/reviews's.
    gateway.meshUpstreams().orElseThrow().services(Map.of("shop/b", 100),
        List.of(endpoints("shop", "b", sidecarB.inboundPort())));
    assertThat(get("/ok").statusCode()).isEqualTo(200);
    sidecarB.close();
    SidecarServer impostor = SidecarServer.start(SidecarOptions.of("reviews", "shop",
        appB.port(), "127.0.0.1:" + engine.distributionPort(), token("shop", "reviews"))
        .withPorts(0, 0, 0).withInboundAddress("127.0.0.1"));
    try {
      appB.reset();
      gateway.meshUpstreams().orElseThrow().services(Map.of("shop/b", 100),
          List.of(endpoints("shop", "b", impostor.inboundPort())));
      HttpResponse<String> refused = get("/wrong-peer");
      assertThat(refused.statusCode()).isGreaterThanOrEqualTo(500);
      assertThat(refused.headers().firstValue("x-crossgate-error")).isPresent();
      assertThat(appB.requests()).isEmpty();
    } finally {
      impostor.close();
    }
  }

  private PolicyBundle apply(int weight) throws Exception {
    PolicyBundle bundle = PolicyLoader.loadString("mesh.yaml", """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: shop}
        spec:
          listeners: [{name: http, port: 8080, protocol: HTTP}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: b, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: %d}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: b, namespace: shop}
        spec:
          parentRefs: [{name: edge}]
          rules: [{backendRefs: [{name: b}]}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata: {name: b, namespace: shop}
        spec:
          service: {name: b}
          stage: permissive
          meshWeight: %d
        """.formatted(appB.port(), weight)).bundleOrThrow();
    long revision = await(engine.store().apply(ChangeSet.puts(bundle.resources()),
        OptionalLong.empty(), "test", "test")).revision().number();
    await(engine.nodes().await(revision, Duration.ofSeconds(30)));
    eventually(() -> {
      try {
        return get("/").statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    }, "the gateway to serve the route");
    return bundle;
  }

  private static void awaitMeshService(MeshUpstreams mesh, int weight, int port)
      throws Exception {
    eventually(() -> {
      MeshUpstreams.MeshService service = mesh.services().get("shop/b");
      return service != null && service.weight() == weight
          && service.endpoints().stream().anyMatch(e -> e.port() == port);
    }, "shop/b in the gateway's mesh path at weight " + weight + " with b's sidecar");
  }

  /** The gateway's count of requests to shop/b by {@code path} (mesh or direct). */
  private double metric(String path) throws Exception {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "crossgate_gateway_mesh_path_requests_total\\{path=\"" + path
            + "\",service=\"shop/b\"} ([0-9.E]+)").matcher(admin("/metrics"));
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static ServiceEndpoints endpoints(String namespace, String service, int port) {
    return ServiceEndpoints.newBuilder().setNamespace(namespace).setService(service)
        .addEndpoints(Endpoint.newBuilder().setAddress("127.0.0.1").setPort(port)).build();
  }

  private String token(String namespace, String serviceAccount) throws Exception {
    return await(engine.meshAuthority().joinTokens()
        .create(new WorkloadIdentity(namespace, serviceAccount), Duration.ofHours(1))).token();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + gateway.port("http") + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String admin(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + gateway.adminPort() + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void eventually(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
