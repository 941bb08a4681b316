package dev.crossgate.policy.codec;

import static dev.crossgate.policy.codec.PolicyTexts.problemsOf;
import static dev.crossgate.policy.codec.PolicyTexts.problemsWithGateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.model.MeshMigration;
import org.junit.jupiter.api.Test;

/**
 * Every validation error class of the kinds added for the policy engine, with exact messages:
 * file:line, resource, path, value and what was expected. The snippets are followed by
 * {@link PolicyTexts#GATEWAY_AND_SERVICES} (Gateway shop/edge, Services shop/users and shop/orders).
 */
class PolicyKindProblemsTest {

  @Test
  void grpcRouteRules() {
    String yaml =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata:
          name: orders
          namespace: shop
        spec:
          parentRefs:
            - name: edge
              sectionName: htp
          rules:
            - matches:
                - method:
                    type: Prefix
                    service: shop.v1.Orders
                - method: {}
                - method:
                    service: "shop v1"
                    method: Get-Order
              filters:
                - type: URLRewrite
                  urlRewrite:
                    hostname: x.example.com
              backendRefs:
                - name: order
            - matches:
                - method:
                    service: shop.v1.Users
              backendRefs:
                - name: users
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata:
          name: users-again
          namespace: shop
        spec:
          rules:
            - matches:
                - method:
                    service: shop.v1.Users
              backendRefs:
                - name: users
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:9: GRPCRoute shop/orders: spec.parentRefs[0].sectionName: htp (expected: a listener of Gateway shop/edge; known: http; did you mean `http`?)",
            "routes.yaml:13: GRPCRoute shop/orders: spec.rules[0].matches[0].method.type: Prefix (expected: one of Exact, RegularExpression)",
            "routes.yaml:15: GRPCRoute shop/orders: spec.rules[0].matches[1].method: empty (expected: service, method or both)",
            "routes.yaml:17: GRPCRoute shop/orders: spec.rules[0].matches[2].method.service: shop v1 (expected: a fully qualified gRPC service, e.g. shop.v1.Orders)",
            "routes.yaml:18: GRPCRoute shop/orders: spec.rules[0].matches[2].method.method: Get-Order (expected: a gRPC method name, e.g. GetOrder)",
            "routes.yaml:20: GRPCRoute shop/orders: spec.rules[0].filters[0].type: URLRewrite (expected: one of RequestHeaderModifier, ResponseHeaderModifier, RequestMirror)",
            "routes.yaml:24: GRPCRoute shop/orders: spec.rules[0].backendRefs[0].name: order (expected: an existing Service in namespace shop; known: orders, users)");
  }

  @Test
  void tcpRouteRules() {
    String yaml =
        """
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TCPRoute
        metadata:
          name: db
          namespace: shop
        spec:
          parentRefs:
            - name: edge
              sectionName: http
          rules:
            - backendRefs:
                - name: users
                  weight: 0
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: TCPRoute
        metadata:
          name: db2
          namespace: shop
        spec:
          rules: []
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:9: TCPRoute shop/db: spec.parentRefs[0].sectionName: http (expected: a TCP listener for TCPRoute, but it is HTTP)",
            "routes.yaml:11: TCPRoute shop/db: spec.rules[0].backendRefs: all weights 0 (expected: at least one backendRef with weight > 0)",
            "routes.yaml:15: TCPRoute shop/db2: apiVersion: gateway.networking.k8s.io/v1 (expected: crossgate.dev/v1alpha1 or gateway.networking.k8s.io/v1alpha2 for TCPRoute)",
            "routes.yaml:20: TCPRoute shop/db2: spec.parentRefs: [] (expected: at least one Gateway with a TCP listener)",
            "routes.yaml:21: TCPRoute shop/db2: spec.rules: [] (expected: at least one rule)");
  }

  @Test
  void routeTimeoutsAndRetry() {
    String yaml =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: users
          namespace: shop
        spec:
          rules:
            - timeouts:
                request: 1s
                backendRequest: 2s
              retry:
                codes: [503, 200, 503]
                attempts: 11
                backoff: 0s
              backendRefs:
                - name: users
            - matches:
                - path: {value: /b}
              timeouts:
                request: 10 seconds
              backendRefs:
                - name: users
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:10: HTTPRoute shop/users: spec.rules[0].timeouts.backendRequest: 2s (expected: at most timeouts.request (1s))",
            "routes.yaml:12: HTTPRoute shop/users: spec.rules[0].retry.codes[1]: 200 (expected: 400..599)",
            "routes.yaml:12: HTTPRoute shop/users: spec.rules[0].retry.codes[2]: 503 (expected: each value once; also spec.rules[0].retry.codes[0])",
            "routes.yaml:13: HTTPRoute shop/users: spec.rules[0].retry.attempts: 11 (expected: 0..10)",
            "routes.yaml:14: HTTPRoute shop/users: spec.rules[0].retry.backoff: 0s (expected: a duration greater than 0)",
            "routes.yaml:20: HTTPRoute shop/users: spec.rules[1].timeouts.request: \"10 seconds\" (expected: a duration like 10s, 500ms, 1h or 1m30s)");
  }

  @Test
  void tcpServiceHealthCheckNeedsNoPathButHttpDoes() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec:
          protocol: TCP
          endpoints: [{address: 127.0.0.1, port: 5432}]
          healthCheck: {interval: 1s}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: 8080}]
          healthCheck: {interval: 1s}
        """;
    assertThat(problemsWithGateway(yaml)).singleElement().asString()
        .contains("Service shop/web: spec.healthCheck.path: missing");
  }

  @Test
  void healthCheckPathOfATcpServiceAndAnIntervalBelowTheDefaultTimeout() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec:
          protocol: TCP
          endpoints: [{address: 127.0.0.1, port: 5432}]
          healthCheck: {path: /healthz}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: 8080}]
          healthCheck: {path: /healthz, interval: 500ms}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: api, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: 8081}]
          healthCheck: {path: /healthz, interval: 500ms, timeout: 200ms}
        """;
    assertThat(problemsWithGateway(yaml)).containsExactly(
        "routes.yaml:7: Service shop/db: spec.healthCheck.path: /healthz (expected: no path: a TCP "
            + "Service is probed with a TCP connect)",
        "routes.yaml:14: Service shop/web: spec.healthCheck.interval: 500ms (expected: at least "
            + "timeout (1s, the default); or set a shorter timeout)");
  }

  @Test
  void serviceResilienceRanges() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: payments
          namespace: shop
        spec:
          protocol: GRPCS
          endpoints:
            - address: 127.0.0.1
              port: 9003
          healthCheck:
            path: healthz
            interval: 1s
            timeout: 2s
            healthyThreshold: 0
            unhealthyThreshold: 101
          outlierDetection:
            consecutive5xx: 0
            maxEjectionPercent: 101
            baseEjectionTime: 0ms
          connectionPool:
            maxConnections: 0
            maxPendingRequests: -1
            maxRequestsPerConnection: -1
          circuitBreaker:
            errorRateThreshold: 0
            minimumRequests: 0
            window: 0s
          timeouts:
            connect: 0s
          retryBudget:
            percent: 120
            minRetriesPerSecond: -1
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:7: Service shop/payments: spec.protocol: GRPCS (expected: one of HTTP, HTTP2, GRPC, TCP; did you mean `GRPC`?)",
            "routes.yaml:12: Service shop/payments: spec.healthCheck.path: healthz (expected: an absolute path starting with /, without spaces)",
            "routes.yaml:14: Service shop/payments: spec.healthCheck.timeout: 2s (expected: less than interval (1s))",
            "routes.yaml:15: Service shop/payments: spec.healthCheck.healthyThreshold: 0 (expected: 1..100)",
            "routes.yaml:16: Service shop/payments: spec.healthCheck.unhealthyThreshold: 101 (expected: 1..100)",
            "routes.yaml:18: Service shop/payments: spec.outlierDetection.consecutive5xx: 0 (expected: >= 1)",
            "routes.yaml:19: Service shop/payments: spec.outlierDetection.maxEjectionPercent: 101 (expected: 0..100)",
            "routes.yaml:20: Service shop/payments: spec.outlierDetection.baseEjectionTime: 0ms (expected: a duration greater than 0)",
            "routes.yaml:22: Service shop/payments: spec.connectionPool.maxConnections: 0 (expected: >= 1)",
            "routes.yaml:23: Service shop/payments: spec.connectionPool.maxPendingRequests: -1 (expected: >= 0)",
            "routes.yaml:24: Service shop/payments: spec.connectionPool.maxRequestsPerConnection: -1 (expected: >= 0)",
            "routes.yaml:26: Service shop/payments: spec.circuitBreaker.errorRateThreshold: 0 (expected: 1..100)",
            "routes.yaml:27: Service shop/payments: spec.circuitBreaker.minimumRequests: 0 (expected: >= 1)",
            "routes.yaml:28: Service shop/payments: spec.circuitBreaker.window: 0s (expected: a duration greater than 0)",
            "routes.yaml:30: Service shop/payments: spec.timeouts.connect: 0s (expected: a duration greater than 0)",
            "routes.yaml:32: Service shop/payments: spec.retryBudget.percent: 120 (expected: 0..100)",
            "routes.yaml:33: Service shop/payments: spec.retryBudget.minRetriesPerSecond: -1 (expected: >= 0)");
  }

  @Test
  void listenerProtocolsAreOffByDefault() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Gateway
        metadata:
          name: tls
          namespace: shop
        spec:
          listeners:
            - name: https
              port: 8443
              protocol: HTTPS
              tls:
                mode: Passthrough
                minVersion: "1.1"
                certificateRefs: []
            - name: plain
              port: 8081
              protocol: HTTP
              tls:
                certificateRefs: [{name: x}]
            - name: https2
              port: 8444
              protocol: HTTPS
            - name: tcp
              port: 5432
              protocol: TCPP
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:10: Gateway shop/tls: spec.listeners[0].protocol: HTTPS (expected: HTTP; HTTPS and TCP are not supported yet)",
            "routes.yaml:18: Gateway shop/tls: spec.listeners[1].tls: set (expected: only for protocol HTTPS, but protocol is HTTP)",
            "routes.yaml:22: Gateway shop/tls: spec.listeners[2].protocol: HTTPS (expected: HTTP; HTTPS and TCP are not supported yet)",
            "routes.yaml:25: Gateway shop/tls: spec.listeners[3].protocol: TCPP (expected: HTTP; HTTPS and TCP are not supported yet)");
  }

  @Test
  void requestAuthenticationRules() {
    String yaml =
        """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata:
          name: jwt
          namespace: shop
        spec:
          targetRefs:
            - kind: HTTPRoute
              name: user
            - kind: Deployment
              name: users
            - group: gateway.networking.k8s.io
              kind: Gateway
              name: edge
              sectionName: https
          jwtRules:
            - issuer: https://issuer.example.com
              jwksUri: http://issuer.example.com/jwks
              algorithms: [RS256, none, HS256, RS256]
              clockSkew: 10m
              fromHeaders:
                - name: "bad header"
              outputClaimToHeaders:
                - header: x-user
            - issuer: https://issuer.example.com
              jwks: '{"kid": "a"}'
            - issuer: other
              jwks: 'not json'
            - issuer: both
              jwksUri: https://a.example.com/jwks
              jwks: '{"keys": []}'
            - issuer: neither
            - issuer: local
              jwksUri: http://127.0.0.1:9000/jwks
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: RequestAuthentication
        metadata:
          name: empty
          namespace: shop
        spec:
          targetRefs: []
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:1: RequestAuthentication shop/jwt: apiVersion: security.istio.io/v1 (expected: crossgate.dev/v1alpha1 for RequestAuthentication; Istio's API group is not accepted: use crossgate.dev/v1alpha1)",
            "routes.yaml:9: RequestAuthentication shop/jwt: spec.targetRefs[0].name: user (expected: an existing HTTPRoute in namespace shop; known: none)",
            "routes.yaml:10: RequestAuthentication shop/jwt: spec.targetRefs[1].kind: Deployment (expected: one of Gateway, HTTPRoute, GRPCRoute, Service)",
            "routes.yaml:15: RequestAuthentication shop/jwt: spec.targetRefs[2].sectionName: https (expected: a listener of Gateway shop/edge; known: http; did you mean `http`?)",
            "routes.yaml:18: RequestAuthentication shop/jwt: spec.jwtRules[0].jwksUri: http://issuer.example.com/jwks (expected: an https URL, or http only for 127.0.0.1 or localhost)",
            "routes.yaml:19: RequestAuthentication shop/jwt: spec.jwtRules[0].algorithms[1]: none (expected: one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA; none and HMAC algorithms are never accepted)",
            "routes.yaml:19: RequestAuthentication shop/jwt: spec.jwtRules[0].algorithms[2]: HS256 (expected: one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA; none and HMAC algorithms are never accepted; did you mean `RS256`?)",
            "routes.yaml:19: RequestAuthentication shop/jwt: spec.jwtRules[0].algorithms[3]: RS256 (expected: each value once; also spec.jwtRules[0].algorithms[0])",
            "routes.yaml:20: RequestAuthentication shop/jwt: spec.jwtRules[0].clockSkew: 10m (expected: at most 5m)",
            "routes.yaml:22: RequestAuthentication shop/jwt: spec.jwtRules[0].fromHeaders[0].name: bad header (expected: a header name (an HTTP token))",
            "routes.yaml:24: RequestAuthentication shop/jwt: spec.jwtRules[0].outputClaimToHeaders[0].claim: missing (expected: a claim name)",
            "routes.yaml:25: RequestAuthentication shop/jwt: spec.jwtRules[1].issuer: https://issuer.example.com (expected: one rule per issuer; also spec.jwtRules[0])",
            "routes.yaml:26: RequestAuthentication shop/jwt: spec.jwtRules[1].jwks: {\"kid\": \"a\"} (expected: a JSON Web Key Set: a JSON object with a keys array)",
            "routes.yaml:28: RequestAuthentication shop/jwt: spec.jwtRules[2].jwks: not json (expected: a JSON Web Key Set: a JSON object with a keys array; not JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false'))",
            "routes.yaml:31: RequestAuthentication shop/jwt: spec.jwtRules[3].jwks: set (expected: exactly one of jwksUri or jwks; jwksUri is set too)",
            "routes.yaml:32: RequestAuthentication shop/jwt: spec.jwtRules[4].jwksUri: missing (expected: exactly one of jwksUri or jwks)",
            "routes.yaml:41: RequestAuthentication shop/empty: spec.jwtRules: [] (expected: at least one JWT rule)",
            "routes.yaml:42: RequestAuthentication shop/empty: spec.targetRefs: [] (expected: at least one target (Gateway, HTTPRoute, GRPCRoute, Service))");
  }

  @Test
  void roleAndRoleBindingRules() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Role
        metadata:
          name: reader
          namespace: shop
        spec:
          rules:
            - hosts: ["shop.example.com", "bad host"]
              methods: [GET, FETCH]
              paths: ["/a", "/b/*", "*.json", "a/b", "/a*/b", "*a*"]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: RoleBinding
        metadata:
          name: readers
          namespace: shop
        spec:
          roleRef:
            name: readr
          subjects:
            - kind: User
              name: alice
              claim: roles
            - kind: Team
              name: a
            - kind: Group
              name: ""
          targetRefs:
            - kind: Service
              name: users
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: RoleBinding
        metadata:
          name: nobody
          namespace: shop
        spec:
          subjects: []
          targetRefs:
            - kind: HTTPRoute
              name: none
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:8: Role shop/reader: spec.rules[0].hosts[1]: bad host (expected: a host: exact, *.-wildcard (*.example.com) or *)",
            "routes.yaml:9: Role shop/reader: spec.rules[0].methods[1]: FETCH (expected: one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH; did you mean `PATCH`?)",
            "routes.yaml:10: Role shop/reader: spec.rules[0].paths[3]: a/b (expected: a path: exact (/x), prefix (/x/*), suffix (*.json) or *)",
            "routes.yaml:10: Role shop/reader: spec.rules[0].paths[4]: /a*/b (expected: a path: exact (/x), prefix (/x/*), suffix (*.json) or *)",
            "routes.yaml:10: Role shop/reader: spec.rules[0].paths[5]: *a* (expected: a path: exact (/x), prefix (/x/*), suffix (*.json) or *)",
            "routes.yaml:19: RoleBinding shop/readers: spec.roleRef.name: readr (expected: an existing Role in namespace shop; known: reader)",
            "routes.yaml:23: RoleBinding shop/readers: spec.subjects[0].claim: set (expected: only for kind Group)",
            "routes.yaml:24: RoleBinding shop/readers: spec.subjects[1].kind: Team (expected: one of User, Group, Principal)",
            "routes.yaml:27: RoleBinding shop/readers: spec.subjects[2].name: \"\" (expected: a subject name)",
            "routes.yaml:37: RoleBinding shop/nobody: spec.roleRef.name: missing (expected: the name of a Role in namespace shop)",
            "routes.yaml:38: RoleBinding shop/nobody: spec.subjects: [] (expected: at least one subject)",
            "routes.yaml:41: RoleBinding shop/nobody: spec.targetRefs[0].name: none (expected: an existing HTTPRoute in namespace shop; known: none)");
  }

  @Test
  void authorizationPolicyRulesAndCelErrors() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata:
          name: authz
          namespace: shop
        spec:
          targetRefs:
            - kind: Service
              name: users
          action: PERMIT
          rules:
            - from:
                - source:
                    ipBlocks: [10.0.0.0/8, 10.0.0.0/33, "2001:db8::/129", "::1", nonsense]
                    namespaces: [Shop]
                - {}
              to:
                - operation:
                    ports: [0, 443]
                    methods: [GET, get]
                    paths: ["/x", "x"]
                    notHosts: ["*"]
              when:
                - key: request.header[x]
                  values: [a]
                - key: source.ip
                  values: [1.2.3.4/40]
                - key: request.auth.claims[groups]
                - key: destination.port
                  notValues: ["99999"]
          condition: "request.verb == 'GET' &&\\n  jwt.claims.groups"
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: AuthorizationPolicy
        metadata:
          name: type-error
          namespace: shop
        spec:
          targetRefs:
            - kind: Service
              name: users
          condition: "request.method + 1"
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:10: AuthorizationPolicy shop/authz: spec.action: PERMIT (expected: one of ALLOW, DENY, AUDIT)",
            "routes.yaml:14: AuthorizationPolicy shop/authz: spec.rules[0].from[0].source.ipBlocks[1]: 10.0.0.0/33 (expected: an IPv4 or IPv6 address or CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32)",
            "routes.yaml:14: AuthorizationPolicy shop/authz: spec.rules[0].from[0].source.ipBlocks[2]: 2001:db8::/129 (expected: an IPv4 or IPv6 address or CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32)",
            "routes.yaml:14: AuthorizationPolicy shop/authz: spec.rules[0].from[0].source.ipBlocks[4]: nonsense (expected: an IPv4 or IPv6 address or CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32)",
            "routes.yaml:15: AuthorizationPolicy shop/authz: spec.rules[0].from[0].source.namespaces[0]: Shop (expected: a namespace (a DNS-1123 label))",
            "routes.yaml:16: AuthorizationPolicy shop/authz: spec.rules[0].from[1].source: missing (expected: a source with principals, namespaces, ipBlocks or their not* twins)",
            "routes.yaml:19: AuthorizationPolicy shop/authz: spec.rules[0].to[0].operation.ports[0]: 0 (expected: 1..65535)",
            "routes.yaml:20: AuthorizationPolicy shop/authz: spec.rules[0].to[0].operation.methods[1]: get (expected: one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH; did you mean `GET`?)",
            "routes.yaml:21: AuthorizationPolicy shop/authz: spec.rules[0].to[0].operation.paths[1]: x (expected: a path: exact (/x), prefix (/x/*), suffix (*.json) or *)",
            "routes.yaml:24: AuthorizationPolicy shop/authz: spec.rules[0].when[0].key: request.header[x] (expected: one of source.ip, remote.ip, source.namespace, source.principal, request.auth.principal, request.auth.audiences, request.auth.presenter, destination.ip, destination.port, connection.sni, request.headers[<name>], request.auth.claims[<name>])",
            "routes.yaml:27: AuthorizationPolicy shop/authz: spec.rules[0].when[1].values[0]: 1.2.3.4/40 (expected: an IPv4 or IPv6 address or CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32)",
            "routes.yaml:28: AuthorizationPolicy shop/authz: spec.rules[0].when[2].values: [] (expected: at least one value in values or notValues)",
            "routes.yaml:30: AuthorizationPolicy shop/authz: spec.rules[0].when[3].notValues[0]: 99999 (expected: a port, 1..65535)",
            "routes.yaml:31: AuthorizationPolicy shop/authz: spec.condition: line 1, column 8: undefined field 'verb' (expected: a CEL expression of type bool over request, source, jwt and now)",
            "routes.yaml:42: AuthorizationPolicy shop/type-error: spec.condition: line 1, column 16: found no matching overload for '_+_' applied to '(string, int)' (expected: a CEL expression of type bool over request, source, jwt and now)");
  }

  @Test
  void rateLimitPolicyRules() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: RateLimitPolicy
        metadata:
          name: limits
          namespace: shop
        spec:
          targetRefs:
            - kind: HTTPRoute
              name: users
          scope: Local
          failureMode: Closed
          trustedProxies: [10.0.0.0/8, 300.0.0.0/8]
          limits:
            - name: per-client
              key: {type: ClientAddress, name: x}
              requests: 0
              unit: Day
              burst: -1
            - name: per-client
              key: {type: Header}
              requests: 10
              unit: Second
            - name: Per_User
              key: {type: Cookie}
              requests: 10
            - name: claim
              key: {type: JwtClaim}
              requests: 1
              unit: Hour
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:9: RateLimitPolicy shop/limits: spec.targetRefs[0].name: users (expected: an existing HTTPRoute in namespace shop; known: none)",
            "routes.yaml:11: RateLimitPolicy shop/limits: spec.failureMode: set (expected: only with scope Global; local limits never wait on the policy engine)",
            "routes.yaml:12: RateLimitPolicy shop/limits: spec.trustedProxies[1]: 300.0.0.0/8 (expected: an IPv4 or IPv6 address or CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32)",
            "routes.yaml:15: RateLimitPolicy shop/limits: spec.limits[0].key.name: set (expected: only for type Header or JwtClaim)",
            "routes.yaml:16: RateLimitPolicy shop/limits: spec.limits[0].requests: 0 (expected: > 0)",
            "routes.yaml:17: RateLimitPolicy shop/limits: spec.limits[0].unit: Day (expected: one of Second, Minute, Hour)",
            "routes.yaml:18: RateLimitPolicy shop/limits: spec.limits[0].burst: -1 (expected: >= 0)",
            "routes.yaml:19: RateLimitPolicy shop/limits: spec.limits[1].name: per-client (expected: a unique limit name; also spec.limits[0])",
            "routes.yaml:20: RateLimitPolicy shop/limits: spec.limits[1].key.name: missing (expected: a header name for type Header)",
            "routes.yaml:23: RateLimitPolicy shop/limits: spec.limits[2].name: Per_User (expected: a DNS-1123 label, e.g. per-client)",
            "routes.yaml:23: RateLimitPolicy shop/limits: spec.limits[2].unit: missing (expected: one of Second, Minute, Hour)",
            "routes.yaml:24: RateLimitPolicy shop/limits: spec.limits[2].key.type: Cookie (expected: one of ClientAddress, Header, JwtClaim, Principal, Route)",
            "routes.yaml:27: RateLimitPolicy shop/limits: spec.limits[3].key.name: missing (expected: a claim name for type JwtClaim)");
  }

  @Test
  void aGlobalLimitCountsFixedWindowsAndHasNoBurst() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: RateLimitPolicy
        metadata:
          name: limits
          namespace: shop
        spec:
          targetRefs:
            - kind: Gateway
              name: edge
          scope: Global
          failureMode: Shut
          limits:
            - name: per-client
              key: {type: ClientAddress}
              requests: 100
              unit: Minute
              burst: 20
            - name: whole-route
              key: {type: Route}
              requests: 100
              unit: Minute
              burst: 0
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:11: RateLimitPolicy shop/limits: spec.failureMode: Shut (expected: one of Open, Closed)",
            "routes.yaml:17: RateLimitPolicy shop/limits: spec.limits[0].burst: 20 (expected: 0 or unset with scope Global; a global limit admits `requests` per fixed window of one unit)");
  }

  @Test
  void rateLimitPolicyTrustedProxiesNeedAClientAddressKeyAndRatesHaveACeiling() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: RateLimitPolicy
        metadata:
          name: limits
          namespace: shop
        spec:
          targetRefs:
            - kind: Gateway
              name: edge
          trustedProxies: [10.0.0.0/8]
          limits:
            - name: per-key
              key: {type: Header, name: x-api-key}
              requests: 1000000001
              unit: Second
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:10: RateLimitPolicy shop/limits: spec.trustedProxies: set (expected: only with a limit keyed by ClientAddress; X-Forwarded-For is read for no other key)",
            "routes.yaml:14: RateLimitPolicy shop/limits: spec.limits[0].requests: 1000000001 (expected: <= 1000000000 per Second)");
  }

  @Test
  void wafPolicyRules() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: WafPolicy
        metadata:
          name: waf
          namespace: shop
        spec:
          targetRefs:
            - kind: Service
              name: users
          mode: blocking
          crs:
            paranoiaLevel: 5
          anomalyThresholds:
            inbound: 0
          exclusions:
            - targets: ["ARGS:q"]
            - ruleIds: [0]
              tags: [""]
          customRules: "   "
          requestBody:
            limit: 0
            limitAction: partial
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: WafPolicy
        metadata:
          name: empty
          namespace: shop
        spec:
          targetRefs:
            - kind: Gateway
              name: edge
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:8: WafPolicy shop/waf: spec.targetRefs[0].kind: Service (expected: one of Gateway, HTTPRoute)",
            "routes.yaml:10: WafPolicy shop/waf: spec.mode: blocking (expected: one of block, detect)",
            "routes.yaml:11: WafPolicy shop/waf: spec.crs.path: missing (expected: the Core Rule Set folder, e.g. /usr/share/modsecurity-crs)",
            "routes.yaml:12: WafPolicy shop/waf: spec.crs.paranoiaLevel: 5 (expected: 1..4)",
            "routes.yaml:14: WafPolicy shop/waf: spec.anomalyThresholds.inbound: 0 (expected: >= 1)",
            "routes.yaml:16: WafPolicy shop/waf: spec.exclusions[0]: no ruleIds or tags (expected: ruleIds, tags or both)",
            "routes.yaml:17: WafPolicy shop/waf: spec.exclusions[1].ruleIds[0]: 0 (expected: >= 1)",
            "routes.yaml:18: WafPolicy shop/waf: spec.exclusions[1].tags[0]: \"\" (expected: a rule tag, e.g. attack-sqli)",
            "routes.yaml:19: WafPolicy shop/waf: spec.customRules: \"   \" (expected: SecRule text, or no customRules field)",
            "routes.yaml:21: WafPolicy shop/waf: spec.requestBody.limit: 0 (expected: >= 1)",
            "routes.yaml:22: WafPolicy shop/waf: spec.requestBody.limitAction: partial (expected: one of reject, processPartial)",
            "routes.yaml:29: WafPolicy shop/empty: spec: no rules (expected: crs, customRules or both)");
  }

  @Test
  void meshMigrationRules() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata:
          name: users
          namespace: shop
        spec:
          service:
            name: users
          stage: observe
          meshWeight: 10
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata:
          name: users-again
          namespace: shop
        spec:
          service:
            name: users
          stage: strict
          meshWeight: 50
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata:
          name: ghost
          namespace: shop
        spec:
          service:
            name: ghost
          stage: enforcing
          meshWeight: 101
        """;
    assertThat(problemsWithGateway(yaml))
        .containsExactly(
            "routes.yaml:10: MeshMigration shop/users: spec.meshWeight: 10 (expected: 0 in stage observe; traffic moves to the mesh from stage permissive on)",
            "routes.yaml:19: MeshMigration shop/users-again: spec.service.name: users (expected: one MeshMigration per service; MeshMigration shop/users (routes.yaml:8) already migrates Service shop/users)",
            "routes.yaml:21: MeshMigration shop/users-again: spec.meshWeight: 50 (expected: 100 in stage strict, which refuses plaintext callers)",
            "routes.yaml:30: MeshMigration shop/ghost: spec.service.name: ghost (expected: an existing Service in namespace shop; known: orders, users)",
            "routes.yaml:31: MeshMigration shop/ghost: spec.stage: enforcing (expected: one of off, observe, permissive, enforce, strict)");
  }

  @Test
  void yamlElevenBooleanWordsStayText() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: users, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: 8080}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: MeshMigration
        metadata:
          name: users
          namespace: shop
        spec:
          service:
            name: users
          stage: off
        """;
    LoadResult result = PolicyLoader.loadString("migration.yaml", yaml);
    assertThat(result.problems()).isEmpty();
    MeshMigration migration = result.bundle().ofKind(MeshMigration.class).get(0);
    assertThat(migration.spec().stage()).isEqualTo("off");
    assertThat(migration.stage()).contains(MeshMigration.Stage.off);
  }

  @Test
  void meshPortOnlyForTcpServicesAndInRange() {
    String yaml =
        """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec:
          protocol: TCP
          meshPort: 70000
          endpoints: [{address: 127.0.0.1, port: 5432}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          meshPort: 8080
          endpoints: [{address: 127.0.0.1, port: 80}]
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: cache, namespace: shop}
        spec:
          protocol: TCP
          meshPort: 6379
          endpoints: [{address: 127.0.0.1, port: 6379}]
        """;
    assertThat(problemsOf(yaml))
        .containsExactly(
            "routes.yaml:6: Service shop/db: spec.meshPort: 70000 (expected: 1..65535)",
            "routes.yaml:13: Service shop/web: spec.meshPort: 8080 (expected: no meshPort"
                + " unless spec.protocol is TCP (HTTP services are called through the sidecar's"
                + " outbound port))");
  }
}
