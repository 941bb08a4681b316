package dev.crossgate.policy.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.Service;
import dev.crossgate.policy.validation.ValidationOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Listener TLS, HTTPS redirects and upstream TLS: what is refused, and with which message. */
class TlsProblemsTest {

  private static final ValidationOptions TLS =
      ValidationOptions.DEFAULTS.withListenerProtocols("HTTP", "HTTPS");

  private static final String ROUTE = """
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: r, namespace: shop}
      spec:
        rules: [{backendRefs: [{name: users}]}]
      """;

  private static LoadResult load(String yaml) {
    return PolicyLoader.loadString("tls.yaml", yaml + ROUTE, TLS);
  }

  private static List<String> problems(String yaml) {
    return load(yaml).problems().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void filesInlinePemHstsAndRedirectAreAccepted() {
    LoadResult result = load("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: shop}
        spec:
          listeners:
            - name: https
              port: 8443
              protocol: HTTPS
              tls:
                certificateRefs:
                  - {name: main, certificateFile: certs/main.pem, keyFile: certs/main.key}
                  - name: inline
                    certificate: |
                      -----BEGIN CERTIFICATE-----
                      MIIB
                      -----END CERTIFICATE-----
                    key: |
                      -----BEGIN PRIVATE KEY-----
                      MIIB
                      -----END PRIVATE KEY-----
                hsts: {maxAge: 8760h, includeSubDomains: true}
            - name: http
              port: 8080
              protocol: HTTP
              httpsRedirect: {port: 8443, statusCode: 308}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: users, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: 9443}]
          tls:
            serverName: users.internal
            caFile: certs/ca.pem
            clientCertificate: {certificateFile: certs/gw.pem, keyFile: certs/gw.key}
        """);
    assertThat(result.problems()).isEmpty();
    Gateway gateway = result.bundle().ofKind(Gateway.class).get(0);
    Gateway.Tls tls = gateway.spec().listeners().get(0).tls();
    assertThat(tls.certificateRefs().get(0).keyFile()).isEqualTo("certs/main.key");
    assertThat(tls.certificateRefs().get(1).certificate()).startsWith("-----BEGIN CERTIFICATE");
    assertThat(tls.hsts().includeSubDomains()).isTrue();
    assertThat(gateway.spec().listeners().get(1).httpsRedirect().port()).isEqualTo(8443);
    Service.Tls upstream = result.bundle().ofKind(Service.class).get(0).spec().tls();
    assertThat(upstream.serverName()).isEqualTo("users.internal");
    assertThat(upstream.clientCertificate().certificateFile()).isEqualTo("certs/gw.pem");
  }

  @Test
  void badCertificateSourcesRedirectsAndUpstreamTlsAreNamed() {
    assertThat(problems("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: shop}
        spec:
          listeners:
            - name: https
              port: 8443
              protocol: HTTPS
              tls:
                certificateRefs:
                  - {name: a}
                  - {name: a, certificateFile: a.pem}
                  - {name: b, certificateFile: b.pem, keyFile: b.key, key: x}
                  - {name: c, certificate: "MIIB", key: "-----BEGIN PRIVATE KEY-----"}
                hsts: {maxAge: 0s}
              httpsRedirect: {port: 443}
            - name: http
              port: 8080
              protocol: HTTP
              httpsRedirect: {port: 70000, statusCode: 302}
        ---
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata: {name: users, namespace: shop}
        spec:
          endpoints: [{address: 127.0.0.1, port: 9443}]
          tls:
            serverName: "bad name"
            caFile: ca.pem
            caCertificates: "-----BEGIN CERTIFICATE-----"
            clientCertificate: {certificateFile: gw.pem}
        """)).containsExactlyInAnyOrder(
        "tls.yaml:16: Gateway shop/edge: spec.listeners[0].httpsRedirect: set (expected: only for"
            + " protocol HTTP, but protocol is HTTPS)",
        "tls.yaml:11: Gateway shop/edge: spec.listeners[0].tls.certificateRefs[0]: no PEM source"
            + " (expected: certificateFile with keyFile (PEM files), or certificate with key"
            + " (inline PEM))",
        "tls.yaml:12: Gateway shop/edge: spec.listeners[0].tls.certificateRefs[1].name: a"
            + " (expected: a unique certificate name; also used by"
            + " spec.listeners[0].tls.certificateRefs[0])",
        "tls.yaml:12: Gateway shop/edge: spec.listeners[0].tls.certificateRefs[1].keyFile:"
            + " missing (expected: a PEM private key file path, with certificateFile)",
        "tls.yaml:13: Gateway shop/edge: spec.listeners[0].tls.certificateRefs[2]:"
            + " certificateFile/keyFile and certificate/key (expected: either certificateFile"
            + " with keyFile, or inline certificate with key, not both)",
        "tls.yaml:14: Gateway shop/edge: spec.listeners[0].tls.certificateRefs[3].certificate:"
            + " MIIB (expected: inline PEM text starting with -----BEGIN CERTIFICATE-----)",
        "tls.yaml:15: Gateway shop/edge: spec.listeners[0].tls.hsts.maxAge: 0s (expected: a"
            + " duration greater than 0)",
        "tls.yaml:20: Gateway shop/edge: spec.listeners[1].httpsRedirect.port: 70000 (expected:"
            + " 1..65535)",
        "tls.yaml:20: Gateway shop/edge: spec.listeners[1].httpsRedirect.statusCode: 302"
            + " (expected: 301 or 308)",
        "tls.yaml:28: Service shop/users: spec.tls.serverName: bad name (expected: a host name"
            + " like backend.example.com)",
        "tls.yaml:27: Service shop/users: spec.tls: caFile and caCertificates (expected: at"
            + " most one of caFile or caCertificates)",
        "tls.yaml:31: Service shop/users: spec.tls.clientCertificate.keyFile: missing (expected:"
            + " a PEM private key file path, with certificateFile)");
  }
}
