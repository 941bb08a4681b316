package dev.crossgate.routing.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.RateLimitPolicy;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.model.TargetRef;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitPoliciesTest {

  private static final Gateway GATEWAY = new Gateway("gateway.networking.k8s.io/v1",
      ObjectMeta.of("default", "edge"), new Gateway.Spec(null,
          List.of(new Gateway.Listener("http", 8080, "HTTP", null))));

  private final RateLimitPolicies policies = new RateLimitPolicies(100, System::nanoTime);

  private static PolicyBundle bundle(int requests, TargetRef target) {
    List<Resource> resources = new ArrayList<>();
    resources.add(GATEWAY);
    resources.add(new RateLimitPolicy("crossgate.dev/v1alpha1", ObjectMeta.of("default", "p"),
        new RateLimitPolicy.Spec(List.of(target), List.of(new RateLimitPolicy.Limit("per-route",
            new RateLimitPolicy.Key("Route", null), requests, "Minute", 0)), null, null, null)));
    return new PolicyBundle(resources);
  }

  private RateLimitFilter filter(PolicyBundle bundle, String kind, String route,
      List<String> backends) {
    return (RateLimitFilter) policies.compile(bundle, GATEWAY).filterFor(kind,
        ObjectMeta.of("default", route), listener -> listener.equals("http"), backends);
  }

  private static final TargetRef ROUTE = new TargetRef(null, "HTTPRoute", "shop", null);

  @Test
  void anUnchangedLimitKeepsItsBucketsAcrossCompiles() {
    RateLimiter first = filter(bundle(10, ROUTE), "HTTPRoute", "shop", List.of())
        .limits().get(0).limiter();
    RateLimiter again = filter(bundle(10, ROUTE), "HTTPRoute", "shop", List.of())
        .limits().get(0).limiter();
    assertThat(again).isSameAs(first);
    RateLimiter changed = filter(bundle(11, ROUTE), "HTTPRoute", "shop", List.of())
        .limits().get(0).limiter();
    assertThat(changed).isNotSameAs(first);
  }

  private static PolicyBundle global(String failureMode) {
    return new PolicyBundle(List.of(GATEWAY, new RateLimitPolicy("crossgate.dev/v1alpha1",
        ObjectMeta.of("default", "p"), new RateLimitPolicy.Spec(List.of(ROUTE),
            List.of(new RateLimitPolicy.Limit("per-route", new RateLimitPolicy.Key("Route", null),
                2, "Hour", null)), "Global", failureMode, null))));
  }

  @Test
  void withoutAnEngineAGlobalLimitFallsBackAsItsFailureModeSays() {
    BoundLimit open = filter(global(null), "HTTPRoute", "shop", List.of()).limits().get(0);
    assertThat(open.limiter()).isInstanceOf(GlobalRateLimiter.class);
    assertThat(open.description()).isEqualTo("2 requests per Hour, global");
    assertThat(open.limiter().tryAcquire("shop").allowed()).isTrue();
    assertThat(open.limiter().tryAcquire("shop").allowed()).isTrue();
    assertThat(open.limiter().tryAcquire("shop").allowed()).as("per replica").isFalse();

    BoundLimit closed = filter(global("Closed"), "HTTPRoute", "shop", List.of()).limits().get(0);
    assertThat(closed.limiter()).isNotSameAs(open.limiter());
    Decision refused = closed.limiter().tryAcquire("shop");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.unavailable()).isTrue();
  }

  @Test
  void targetsMatchByKindNameListenerAndService() {
    assertThat(filter(bundle(1, ROUTE), "HTTPRoute", "other", List.of())).isNull();
    assertThat(filter(bundle(1, ROUTE), "GRPCRoute", "shop", List.of())).isNull();
    TargetRef gateway = new TargetRef(null, "Gateway", "edge", null);
    assertThat(filter(bundle(1, gateway), "HTTPRoute", "any", List.of())).isNotNull();
    TargetRef listener = new TargetRef(null, "Gateway", "edge", "http");
    assertThat(filter(bundle(1, listener), "HTTPRoute", "any", List.of())).isNotNull();
    TargetRef otherListener = new TargetRef(null, "Gateway", "edge", "https");
    assertThat(filter(bundle(1, otherListener), "HTTPRoute", "any", List.of())).isNull();
    TargetRef service = new TargetRef(null, "Service", "api", null);
    assertThat(filter(bundle(1, service), "HTTPRoute", "any", List.of("default/api")))
        .isNotNull();
    assertThat(filter(bundle(1, service), "HTTPRoute", "any", List.of("other/api"))).isNull();
  }
}
