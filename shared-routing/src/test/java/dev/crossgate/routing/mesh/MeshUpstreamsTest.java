package dev.crossgate.routing.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.ServiceEndpoints;
import dev.crossgate.routing.error.ErrorReason;
import dev.crossgate.routing.error.ProxyException;
import dev.crossgate.routing.lb.LoadBalancers;
import dev.crossgate.routing.lb.UpstreamEndpoint;
import dev.crossgate.routing.upstream.Backend;
import dev.crossgate.testkit.TestCertificates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MeshUpstreamsTest {

  private static final String REVIEWS = "shop/reviews";
  private static WorkloadCertificate certificate;

  private final MeshUpstreams upstreams = new MeshUpstreams(new SimpleMeterRegistry());
  private final Backend direct = new Backend(REVIEWS,
      LoadBalancers.create(null, List.of(UpstreamEndpoint.of("127.0.0.1", 9080))));

  @BeforeAll
  static void certificate() {
    TestCertificates ca = TestCertificates.ca("mesh root");
    TestCertificates.Leaf leaf = ca.issue(TestCertificates.KeyType.EC, "gateway");
    certificate = new WorkloadCertificate("spiffe://cluster.local/ns/edge/sa/gateway",
        Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), leaf.pkcs8KeyPem(),
        leaf.chainPem(), ca.certificatePem());
  }

  @Test
  void weight100SendsEveryRequestThroughTheMeshOnceACertificateIsThere() {
    upstreams.services(Map.of(REVIEWS, 100), Set.of(), List.of(reviews("127.0.0.1", 15006)));

    assertThat(upstreams.apply(direct)).isSameAs(direct); // no certificate yet: direct
    upstreams.certificate(certificate);

    for (int i = 0; i < 20; i++) {
      assertThat(upstreams.apply(direct).name()).isEqualTo(REVIEWS + "@mesh");
    }
  }

  @Test
  void aNewSnapshotReplacesTheMeshBackendBuiltFromTheOldEndpoints() {
    upstreams.certificate(certificate);
    upstreams.services(Map.of(REVIEWS, 100), Set.of(), List.of(reviews("127.0.0.1", 15006)));
    Backend first = upstreams.apply(direct);

    upstreams.services(Map.of(REVIEWS, 100), Set.of(), List.of(reviews("127.0.0.2", 15006)));
    Backend second = upstreams.apply(direct);

    assertThat(second).isNotSameAs(first);
    assertThat(second.loadBalancer().endpoints()).extracting(UpstreamEndpoint::address)
        .containsExactly("127.0.0.2");
  }

  @Test
  void withoutEndpointsAPermissiveServiceTakesItsDirectPath() {
    upstreams.certificate(certificate);
    upstreams.services(Map.of(REVIEWS, 100), Set.of(), List.of(reviews("127.0.0.1", 15006)));
    upstreams.services(Map.of(REVIEWS, 100), Set.of(), List.of());

    assertThat(upstreams.apply(direct)).isSameAs(direct);
  }

  @Test
  void aStrictServiceIsNeverSentPlaintextButAnswered503WithTheReason() {
    upstreams.services(Map.of(REVIEWS, 100), Set.of(REVIEWS), List.of(reviews("127.0.0.1", 15006)));

    assertThatThrownBy(() -> upstreams.apply(direct)).isInstanceOfSatisfying(ProxyException.class,
        e -> {
          assertThat(e.reason()).isEqualTo(ErrorReason.UPSTREAM_UNAVAILABLE);
          assertThat(e.detail()).isEqualTo("shop/reviews is at stage strict (plaintext refused) "
              + "and the gateway has no mesh certificate yet");
        });

    upstreams.certificate(certificate);
    assertThat(upstreams.apply(direct).name()).isEqualTo(REVIEWS + "@mesh");
  }

  @Test
  void aStrictServiceWithNoSidecarEverSeenIsAnswered503() {
    upstreams.certificate(certificate);
    upstreams.services(Map.of(REVIEWS, 100), Set.of(REVIEWS), List.of());
    assertThatThrownBy(() -> upstreams.apply(direct)).isInstanceOfSatisfying(ProxyException.class,
        e -> assertThat(e.detail()).isEqualTo("shop/reviews is at stage strict (plaintext "
            + "refused) and has no live mesh endpoint"));
  }

  @Test
  void aStrictServiceWhoseSnapshotEmptiesItsSetIsAnswered503UntilEndpointsComeBack() {
    upstreams.certificate(certificate);
    upstreams.services(Map.of(REVIEWS, 100), Set.of(REVIEWS), List.of(reviews("127.0.0.1", 15006)));

    // The engine keeps live endpoints across its restarts: an empty set means no sidecar.
    upstreams.services(Map.of(REVIEWS, 100), Set.of(REVIEWS), List.of());
    assertThatThrownBy(() -> upstreams.apply(direct)).isInstanceOf(ProxyException.class);

    upstreams.services(Map.of(REVIEWS, 100), Set.of(REVIEWS), List.of(reviews("127.0.0.1", 15007)));
    assertThat(upstreams.apply(direct).loadBalancer().endpoints())
        .extracting(UpstreamEndpoint::port).containsExactly(15007);
  }

  @Test
  void weight50SplitsRequestsBetweenBothPaths() {
    upstreams.certificate(certificate);
    upstreams.services(Map.of(REVIEWS, 50), Set.of(), List.of(reviews("127.0.0.1", 15006)));

    int mesh = 0;
    for (int i = 0; i < 400; i++) {
      if (upstreams.apply(direct) != direct) {
        mesh++;
      }
    }
    // Binomial(400, 0.5): outside 120..280 with a probability below 1e-20.
    assertThat(mesh).isBetween(120, 280);
    assertThat(upstreams.describe(REVIEWS))
        .isEqualTo("mesh " + mesh + ", direct " + (400 - mesh) + ", certificate yes");
  }

  private static ServiceEndpoints reviews(String address, int port) {
    return ServiceEndpoints.newBuilder().setNamespace("shop").setService("reviews")
        .addEndpoints(Endpoint.newBuilder().setAddress(address).setPort(port)).build();
  }
}
