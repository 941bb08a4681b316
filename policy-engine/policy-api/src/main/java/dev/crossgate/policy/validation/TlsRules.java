package dev.crossgate.policy.validation;

import dev.crossgate.policy.model.Gateway;
import dev.crossgate.policy.model.Service;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks TLS settings: an HTTPS listener's certificates and HSTS, an HTTP listener's HTTPS
 * redirect, and a Service's upstream TLS. Shape only: the PEM files are read by the data plane.
 */
final class TlsRules {

  private static final String PEM_BEGIN = "-----BEGIN ";

  private TlsRules() {}

  /** The certificates, minimum version and HSTS of an HTTPS listener. */
  static void checkListenerTls(Gateway.Tls tls, String path, FieldChecks checks) {
    checks.oneOf(path + ".mode", tls.mode(), Gateway.Tls.class, "mode");
    checks.oneOf(path + ".minVersion", tls.minVersion(), Gateway.Tls.class, "minVersion");
    List<Gateway.CertificateRef> refs = tls.certificateRefs();
    if (refs.isEmpty()) {
      checks.expected(path + ".certificateRefs", refs, "at least one certificate");
    }
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < refs.size(); i++) {
      Gateway.CertificateRef ref = refs.get(i);
      String refPath = path + ".certificateRefs[" + i + "]";
      if (ref == null) {
        checks.expected(refPath, null, "a certificate");
        continue;
      }
      if (checks.required(refPath + ".name", ref.name(), "a certificate name")) {
        Integer first = names.putIfAbsent(ref.name(), i);
        if (first != null) {
          checks.expected(refPath + ".name", ref.name(),
              "a unique certificate name; also used by " + path + ".certificateRefs[" + first
                  + "]");
        }
      }
      checkCertificate(ref, refPath, checks);
    }
    Gateway.Hsts hsts = tls.hsts();
    if (hsts != null) {
      checks.positive(path + ".hsts.maxAge", hsts.maxAge(), 0, null);
    }
  }

  /** An HTTP listener's redirect to HTTPS. */
  static void checkHttpsRedirect(Gateway.HttpsRedirect redirect, String path, FieldChecks checks) {
    checks.range(path + ".port", redirect.port(), 1, 65535);
    Integer status = redirect.statusCode();
    if (status != null && status != 301 && status != 308) {
      checks.expected(path + ".statusCode", status, "301 or 308");
    }
  }

  /**
   * Where a certificate and key come from: {@code certificateFile} with {@code keyFile}, or
   * {@code certificate} with {@code key} as inline PEM; exactly one pair.
   */
  static void checkCertificate(Gateway.CertificateRef ref, String path, FieldChecks checks) {
    boolean files = ref.certificateFile() != null || ref.keyFile() != null;
    boolean inline = ref.certificate() != null || ref.key() != null;
    if (files && inline) {
      checks.expected(path, "certificateFile/keyFile and certificate/key",
          "either certificateFile with keyFile, or inline certificate with key, not both");
      return;
    }
    if (!files && !inline) {
      checks.expected(path, "no PEM source",
          "certificateFile with keyFile (PEM files), or certificate with key (inline PEM)");
      return;
    }
    if (files) {
      checks.required(path + ".certificateFile", ref.certificateFile(),
          "a PEM certificate file path, with keyFile");
      checks.required(path + ".keyFile", ref.keyFile(),
          "a PEM private key file path, with certificateFile");
      return;
    }
    inlinePem(path + ".certificate", ref.certificate(), "CERTIFICATE", checks);
    inlinePem(path + ".key", ref.key(), "PRIVATE KEY", checks);
  }

  private static void inlinePem(String path, String value, String label, FieldChecks checks) {
    if (value == null || value.isBlank()) {
      checks.expected(path, value, "inline PEM text starting with -----BEGIN " + label + "-----");
    } else if (!value.strip().startsWith(PEM_BEGIN)) {
      checks.expected(path, abbreviate(value),
          "inline PEM text starting with -----BEGIN " + label + "-----");
    }
  }

  private static String abbreviate(String value) {
    String line = value.strip().lines().findFirst().orElse("");
    return line.length() > 40 ? line.substring(0, 40) + "…" : line;
  }

  /** A Service's upstream TLS. */
  static void checkServiceTls(Service.Spec spec, FieldChecks checks) {
    Service.Tls tls = spec.tls();
    if (tls == null) {
      return;
    }
    if ("TCP".equals(spec.protocol())) {
      checks.expected("spec.tls", "set",
          "no tls for protocol TCP (TCP backends are forwarded as opaque bytes)");
      return;
    }
    if (tls.serverName() != null && !NameSyntax.isHostname(tls.serverName())
        && !NameSyntax.isIpAddress(tls.serverName())) {
      checks.expected("spec.tls.serverName", tls.serverName(),
          "a host name like backend.example.com");
    }
    if (tls.caFile() != null && tls.caCertificates() != null) {
      checks.expected("spec.tls", "caFile and caCertificates",
          "at most one of caFile or caCertificates");
    } else if (tls.caFile() != null) {
      checks.required("spec.tls.caFile", tls.caFile(), "a PEM file path with CA certificates");
    } else if (tls.caCertificates() != null) {
      inlinePem("spec.tls.caCertificates", tls.caCertificates(), "CERTIFICATE", checks);
    }
    if (tls.clientCertificate() != null) {
      checkCertificate(tls.clientCertificate(), "spec.tls.clientCertificate", checks);
    }
  }
}
