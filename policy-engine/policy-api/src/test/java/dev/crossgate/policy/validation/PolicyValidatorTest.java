package dev.crossgate.policy.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.codec.ConfigProblem;
import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Service;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyValidatorTest {

  private static final Gateway EDGE =
      new Gateway(
          "crossgate.dev/v1alpha1",
          ObjectMeta.of("shop", "edge"),
          new Gateway.Spec(null, List.of(new Gateway.Listener("http", 8080, "HTTP", null))));
  private static final Service USERS =
      new Service(
          "crossgate.dev/v1alpha1",
          ObjectMeta.of("shop", "users"),
          new Service.Spec(List.of(new Service.Endpoint("127.0.0.1", 9001)), null));

  private static HttpRoute route(HttpRoute.BackendRef backend) {
    return new HttpRoute(
        "gateway.networking.k8s.io/v1",
        ObjectMeta.of("shop", "users"),
        new HttpRoute.Spec(
            List.of(new HttpRoute.ParentRef("edge", null, null)),
            List.of(),
            List.of(new HttpRoute.Rule(null, null, null, List.of(backend)))));
  }

  @Test
  void validBundleBuiltInCodeHasNoProblems() {
    PolicyBundle bundle =
        new PolicyBundle(List.of(EDGE, USERS, route(new HttpRoute.BackendRef("users", null, null, null))));
    assertThat(PolicyValidator.validate(bundle)).isEmpty();
  }

  @Test
  void bundleBuiltInCodeGetsProblemsWithoutSourceOrLine() {
    PolicyBundle bundle =
        new PolicyBundle(List.of(EDGE, USERS, route(new HttpRoute.BackendRef("users", null, null, 2_000_000))));
    List<ConfigProblem> problems = PolicyValidator.validate(bundle);
    assertThat(problems)
        .containsExactly(
            new ConfigProblem(
                null,
                0,
                "HTTPRoute shop/users",
                "spec.rules[0].backendRefs[0].weight",
                "2000000 (expected: 0..1000000)"));
    assertThat(problems.get(0))
        .hasToString(
            "HTTPRoute shop/users: spec.rules[0].backendRefs[0].weight: 2000000 (expected:"
                + " 0..1000000)");
  }

  @Test
  void resourcesWithoutMetadataOrSpecAreProblemsNotExceptions() {
    PolicyBundle bundle =
        new PolicyBundle(
            List.of(
                new Service("crossgate.dev/v1alpha1", null, null),
                new HttpRoute("gateway.networking.k8s.io/v1", ObjectMeta.of("shop", "r"), null)));
    assertThat(PolicyValidator.validate(bundle))
        .extracting(ConfigProblem::toString)
        .containsExactly(
            "HTTPRoute shop/r: spec: missing (expected: a mapping with rules)",
            "Service: metadata: missing (expected: a mapping with at least a name)",
            "Service: spec: missing (expected: a mapping with endpoints)");
  }

  @Test
  void suggestionsNeedACloseName() {
    assertThat(NameSuggestions.closest("matchs", List.of("matches", "filters"))).contains("matches");
    assertThat(NameSuggestions.closest("xyz", List.of("matches", "filters"))).isEmpty();
    assertThat(NameSuggestions.closest("httproute", List.of("HTTPRoute"))).contains("HTTPRoute");
  }

  @Test
  void addressSyntax() {
    assertThat(NameSyntax.isIpAddress("::1")).isTrue();
    assertThat(NameSyntax.isIpAddress("fe80::1:2")).isTrue();
    assertThat(NameSyntax.isIpAddress("1:2:3")).isFalse();
    assertThat(NameSyntax.isIpAddress("10.0.0.256")).isFalse();
    assertThat(NameSyntax.isHostname("users.internal")).isTrue();
    assertThat(NameSyntax.isHostname("users_internal")).isFalse();
  }
}
