package dev.crossgate.policy.codec;

import static dev.crossgate.policy.codec.PolicyTexts.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.validation.ValidationOptions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An AuthorizationPolicy on an opaque TCP Service is decided per connection, at L4: conditions
 * that need HTTP (or a JWT, or CEL over the request) are refused with the field and the target.
 * So is a RoleBinding there that could never grant anything: a JWT subject, or a Role whose
 * every rule needs a request.
 */
class TcpAuthorizationProblemsTest {

  private static final String SERVICES = """
      apiVersion: crossgate.dev/v1alpha1
      kind: Service
      metadata: {name: db, namespace: shop}
      spec:
        protocol: TCP
        meshPort: 15432
        endpoints: [{address: 127.0.0.1, port: 5432}]
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec:
        endpoints: [{address: 127.0.0.1, port: 8080}]
      ---
      """;

  private static final String EXPECTED = "(expected: nothing here: the policy targets the opaque "
      + "TCP service shop/db, authorized per connection with source principals, namespaces and "
      + "ipBlocks, operation ports, and when keys source.ip, remote.ip, source.principal, "
      + "source.namespace, destination.ip, destination.port)";

  @Test
  void l4ConditionsOnATcpServiceAreValid() {
    assertThat(problemsOf(SERVICES + """
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: db-callers, namespace: shop}
        spec:
          targetRefs: [{kind: Service, name: db}]
          action: ALLOW
          rules:
            - from:
                - source:
                    principals: [spiffe://cluster.local/ns/shop/sa/orders]
                    notNamespaces: [test]
                    ipBlocks: [127.0.0.0/8]
              to: [{operation: {ports: [15432]}}]
              when:
                - {key: source.namespace, values: [shop]}
                - {key: destination.port, notValues: ["22"]}
        """)).isEmpty();
  }

  @Test
  void httpOnlyConditionsOnATcpServiceAreRefusedNamingTheFieldAndTheService() {
    assertThat(problemsOf(SERVICES + """
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: db-admin, namespace: shop}
        spec:
          targetRefs: [{kind: Service, name: db}, {kind: Service, name: web}]
          action: DENY
          rules:
            - from:
                - source: {requestPrincipals: [issuer/alice]}
              to:
                - operation: {paths: [/admin/*], methods: [POST], hosts: [db]}
              when:
                - key: request.headers[x-debug]
                  values: ["1"]
                - {key: source.principal, values: ["spiffe://cluster.local/ns/shop/sa/web"]}
          condition: "request.method == 'POST'"
        """)).containsExactly(
            "routes.yaml:23: AuthorizationPolicy shop/db-admin: spec.rules[0].from[0].source"
                + ".requestPrincipals: [issuer/alice] " + EXPECTED,
            "routes.yaml:25: AuthorizationPolicy shop/db-admin: spec.rules[0].to[0].operation"
                + ".hosts: [db] " + EXPECTED,
            "routes.yaml:25: AuthorizationPolicy shop/db-admin: spec.rules[0].to[0].operation"
                + ".methods: [POST] " + EXPECTED,
            "routes.yaml:25: AuthorizationPolicy shop/db-admin: spec.rules[0].to[0].operation"
                + ".paths: [/admin/*] " + EXPECTED,
            "routes.yaml:27: AuthorizationPolicy shop/db-admin: spec.rules[0].when[0].key: "
                + "request.headers[x-debug] " + EXPECTED,
            "routes.yaml:30: AuthorizationPolicy shop/db-admin: spec.condition: "
                + "request.method == 'POST' " + EXPECTED);
  }

  @Test
  void theSamePolicyOnAnHttpServiceIsValid() {
    assertThat(problemsOf(SERVICES + """
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: web-admin, namespace: shop}
        spec:
          targetRefs: [{kind: Service, name: web}]
          action: DENY
          rules:
            - to:
                - operation: {paths: [/admin/*], methods: [POST]}
        """)).isEmpty();
  }

  private static final String ROLES = """
      apiVersion: crossgate.dev/v1alpha1
      kind: Role
      metadata: {name: connect, namespace: shop}
      spec:
        rules: [{}]
      ---
      apiVersion: crossgate.dev/v1alpha1
      kind: Role
      metadata: {name: reader, namespace: shop}
      spec:
        rules: [{methods: [GET]}, {paths: [/public/*]}]
      ---
      """;

  private static String binding(String role, String subjectKind, String service) {
    return """
        apiVersion: crossgate.dev/v1alpha1
        kind: RoleBinding
        metadata: {name: callers, namespace: shop}
        spec:
          roleRef: {name: %s}
          subjects: [{kind: %s, name: "spiffe://cluster.local/ns/shop/sa/orders"}]
          targetRefs: [{kind: Service, name: %s}]
        """.formatted(role, subjectKind, service);
  }

  @Test
  void aPrincipalBindingWithAConnectionRoleOnATcpServiceIsValid() {
    assertThat(problemsOf(SERVICES + ROLES + binding("connect", "Principal", "db"))).isEmpty();
  }

  @Test
  void aBindingThatCouldNeverGrantAConnectionIsRefusedNamingTheService() {
    String target = "the binding targets the opaque TCP service shop/db, authorized per "
        + "connection with the caller's mesh identity only";
    assertThat(problemsOf(SERVICES + ROLES + binding("reader", "User", "db"))).containsExactly(
        "routes.yaml:31: RoleBinding shop/callers: spec.roleRef.name: reader (expected: a Role "
            + "with a rule that names no hosts, methods or paths: " + target
            + ", and every rule of Role reader needs an HTTP request)",
        "routes.yaml:32: RoleBinding shop/callers: spec.subjects[0].kind: User (expected: "
            + "Principal: " + target + ")");
  }

  @Test
  void theSameBindingOnAnHttpServiceIsValid() {
    assertThat(problemsOf(SERVICES + ROLES + binding("reader", "User", "web"))).isEmpty();
  }

  @Test
  void aRoleChangedToNeedARequestIsRefusedOnItsTcpBindingWhenOnlyTheRoleIsValidated() {
    ValidationOptions options = ValidationOptions.ALL_LISTENER_PROTOCOLS;
    LoadResult before = PolicyLoader.loadString("base.yaml",
        SERVICES + ROLES + binding("connect", "Principal", "db"), options);
    assertThat(before.problems()).isEmpty();
    List<Resource> context = before.bundle().resources().stream()
        .filter(r -> !r.ref().equals("Role shop/connect")).toList();
    String changed = """
        apiVersion: crossgate.dev/v1alpha1
        kind: Role
        metadata: {name: connect, namespace: shop}
        spec:
          rules: [{paths: [/admin/*]}]
        """;
    List<ConfigProblem> full =
        PolicyLoader.loadString("change.yaml", changed, options, context).problems();
    List<ConfigProblem> incremental = PolicyLoader.loadChange("change.yaml", changed, options,
        context, Set.of("Role shop/connect")).problems();
    assertThat(incremental).isEqualTo(full);
    assertThat(incremental).map(ConfigProblem::toString).singleElement().asString()
        .contains("RoleBinding shop/callers: spec.roleRef.name: connect (expected: a Role with "
            + "a rule that names no hosts, methods or paths");
  }
}
