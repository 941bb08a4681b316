package dev.crossgate.policy.server.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.identity.IdentityCallException;
import dev.crossgate.policy.identity.IdentityClient;
import dev.crossgate.policy.identity.v1.IssueCertificateResponse;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real engine on loopback: a join token made through the REST API gets a certificate over
 * gRPC on the distribution port; bad tokens and bad CSRs get precise refusals.
 */
class IdentityServiceTest {

  @TempDir Path data;
  PolicyServer engine;
  Vertx vertx;
  IdentityClient client;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0));
    vertx = Vertx.vertx();
    client = new IdentityClient(vertx,
        SocketAddress.inetSocketAddress(engine.distributionPort(), "127.0.0.1"));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    engine.close();
  }

  @Test
  void aTokenFromTheApiGetsACertificateOverGrpc() throws Exception {
    HttpResponse<String> created = createToken("{\"namespace\":\"shop\",\"serviceAccount\":\"reviews\",\"ttlSeconds\":600}");
    assertThat(created.statusCode()).isEqualTo(201);
    String token = new JsonObject(created.body()).getString("token");

    IssueCertificateResponse issued = await(client.issue(TestCsrs.csr(TestCsrs.ec(), null), token));

    assertThat(issued.getSpiffeId()).isEqualTo("spiffe://crossgate.local/ns/shop/sa/reviews");
    List<X509Certificate> chain = Pem.certificates(issued.getCertificateChainPem(), "chain");
    X509Certificate root = Pem.certificates(issued.getTrustBundlePem(), "bundle").get(0);
    chain.get(0).verify(root.getPublicKey());
    assertThat(issued.getNotAfterMillis()).isEqualTo(chain.get(0).getNotAfter().getTime());
    assertThat(await(client.trustBundle()).getTrustBundlePem()).isEqualTo(issued.getTrustBundlePem());
  }

  @Test
  void theRootSurvivesARestartAndItsKeyIsNeverLogged() throws Exception {
    String before = await(client.trustBundle()).getTrustBundlePem();
    engine.close();
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0)
        .withDistributionPort(0));
    try (IdentityClient again = new IdentityClient(vertx,
        SocketAddress.inetSocketAddress(engine.distributionPort(), "127.0.0.1"))) {
      assertThat(await(again.trustBundle()).getTrustBundlePem()).isEqualTo(before);
    }
    assertThat(engine.meshAuthority().toString()).doesNotContain("PRIVATE");
  }

  @Test
  void aCertificateHolderRenewsWithoutItsTokenAndAStrangerCannot() throws Exception {
    String token = new JsonObject(createToken("{\"namespace\":\"shop\",\"serviceAccount\":\"reviews\"}").body())
        .getString("token");
    KeyPair first = TestCsrs.ec();
    IssueCertificateResponse issued = await(client.issue(TestCsrs.csr(first, null), token));
    KeyPair next = TestCsrs.ec();
    String csr = TestCsrs.csr(next, null);

    IssueCertificateResponse renewed = await(client.renew(csr, issued.getCertificateChainPem(),
        possession(first.getPrivate(), csr), "reviews-1"));

    assertThat(renewed.getSpiffeId()).isEqualTo("spiffe://crossgate.local/ns/shop/sa/reviews");
    assertThat(Pem.certificates(renewed.getCertificateChainPem(), "chain").get(0).getPublicKey())
        .isEqualTo(next.getPublic());
    IdentityCallException refused = failure(client.renew(csr, issued.getCertificateChainPem(),
        possession(TestCsrs.ec().getPrivate(), csr), "reviews-1"));
    assertThat(refused.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
    assertThat(refused.getMessage()).contains("possession_signature: does not verify");
  }

  private static String possession(java.security.PrivateKey key, String csrPem)
      throws Exception {
    java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update(Pem.csr(csrPem).getEncoded());
    return java.util.Base64.getEncoder().encodeToString(signer.sign());
  }

  @Test
  void aBadTokenIsUnauthenticatedWithTheReason() throws Exception {
    IdentityCallException refused = failure(client.issue(TestCsrs.csr(TestCsrs.ec(), null), "nope"));
    assertThat(refused.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
    assertThat(refused.getMessage()).contains("join token: not of the form <id>.<secret>");
  }

  @Test
  void aBadCsrIsAnInvalidArgumentWithTheReason() throws Exception {
    String token = new JsonObject(createToken("{\"namespace\":\"shop\",\"serviceAccount\":\"reviews\"}").body())
        .getString("token");
    IdentityCallException refused = failure(client.issue(
        TestCsrs.csr(TestCsrs.ec(), "spiffe://crossgate.local/ns/shop/sa/admin"), token));
    assertThat(refused.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(refused.getMessage()).contains("csr: subjectAltName spiffe://crossgate.local/ns/shop/sa/admin");
  }

  @Test
  void theTokenApiNeedsTheAdminTokenAndRefusesBadBodiesPrecisely() throws Exception {
    HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(tokensUri())
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);

    HttpResponse<String> bad = createToken("{\"namespace\":\"Shop\",\"serviceAccount\":\"reviews\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.headers().firstValue("x-crossgate-error")).hasValue("bad_request");
    assertThat(new JsonObject(bad.body()).getString("detail"))
        .startsWith("namespace: Shop (expected: lower-case letters");

    HttpResponse<String> ttl = createToken("{\"namespace\":\"shop\",\"serviceAccount\":\"reviews\",\"ttlSeconds\":\"1h\"}");
    assertThat(new JsonObject(ttl.body()).getString("detail"))
        .isEqualTo("ttlSeconds: 1h (expected: a whole number of seconds)");
  }

  private HttpResponse<String> createToken(String body) throws Exception {
    String admin = Files.readString(data.resolve("tokens/admin.token")).strip();
    return http.send(HttpRequest.newBuilder(tokensUri())
        .header("Authorization", "Bearer " + admin)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI tokensUri() {
    return URI.create("http://127.0.0.1:" + engine.apiPort() + "/api/v1/join-tokens");
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static IdentityCallException failure(Future<?> future) throws Exception {
    try {
      await(future);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(IdentityCallException.class);
      return (IdentityCallException) e.getCause();
    }
    throw new AssertionError("expected a refusal");
  }
}
