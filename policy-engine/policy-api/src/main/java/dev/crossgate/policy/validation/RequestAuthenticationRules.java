package dev.crossgate.policy.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crossgate.policy.model.RequestAuthentication;
import dev.crossgate.policy.model.RequestAuthentication.JwtRule;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Checks a {@code RequestAuthentication}: targets, issuers, key sources and algorithms. */
final class RequestAuthenticationRules {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LOOPBACK_HOSTS = List.of("127.0.0.1", "localhost", "[::1]");
  private static final long MAX_CLOCK_SKEW_MILLIS = 300_000;

  private RequestAuthenticationRules() {}

  static void check(RequestAuthentication resource, BundleIndex index, ProblemList problems) {
    if (resource.metadata() == null) {
      return;
    }
    FieldChecks checks = new FieldChecks(resource, problems);
    if (resource.spec() == null) {
      checks.expected("spec", null, "a mapping with targetRefs and jwtRules");
      return;
    }
    TargetRefRules.check(
        checks, resource.spec().targetRefs(), TargetRefRules.ROUTABLE_KINDS, index);
    List<JwtRule> rules = resource.spec().jwtRules();
    if (rules.isEmpty()) {
      checks.expected("spec.jwtRules", rules, "at least one JWT rule");
    }
    Map<String, Integer> issuers = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      JwtRule rule = rules.get(i);
      String path = "spec.jwtRules[" + i + "]";
      if (rule == null) {
        checks.expected(path, null, "a JWT rule");
        continue;
      }
      if (checks.required(path + ".issuer", rule.issuer(), "the iss claim value, e.g. https://issuer.example.com")) {
        Integer first = issuers.putIfAbsent(rule.issuer(), i);
        if (first != null) {
          checks.expected(
              path + ".issuer",
              rule.issuer(),
              "one rule per issuer; also spec.jwtRules[" + first + "]");
        }
      }
      for (int j = 0; j < rule.audiences().size(); j++) {
        checks.required(path + ".audiences[" + j + "]", rule.audiences().get(j), "an audience");
      }
      checkKeys(checks, rule, path);
      checkLocations(checks, rule, path);
      List<String> allowed = dev.crossgate.policy.model.AllowedValues.of(JwtRule.class, "algorithms");
      for (int j = 0; j < rule.algorithms().size(); j++) {
        String algorithm = rule.algorithms().get(j);
        if (!allowed.contains(algorithm)) {
          checks.expected(
              path + ".algorithms[" + j + "]",
              algorithm,
              "one of "
                  + String.join(", ", allowed)
                  + "; none and HMAC algorithms are never accepted"
                  + NameSuggestions.hint(algorithm, allowed));
        }
      }
      checks.unique(path + ".algorithms", rule.algorithms());
      checks.positive(path + ".clockSkew", rule.clockSkew(), MAX_CLOCK_SKEW_MILLIS, "5m");
    }
  }

  private static void checkKeys(FieldChecks checks, JwtRule rule, String path) {
    if (rule.jwksUri() == null && rule.jwks() == null) {
      checks.expected(path + ".jwksUri", null, "exactly one of jwksUri or jwks");
      return;
    }
    if (rule.jwksUri() != null && rule.jwks() != null) {
      checks.problems()
          .add(checks.resource(), path + ".jwks", "set (expected: exactly one of jwksUri or jwks; jwksUri is set too)");
      return;
    }
    if (rule.jwksUri() != null) {
      checkJwksUri(checks, rule.jwksUri(), path + ".jwksUri");
    } else {
      checkInlineJwks(checks, rule.jwks(), path + ".jwks");
    }
  }

  private static void checkJwksUri(FieldChecks checks, String value, String path) {
    String expected = "an https URL, or http only for 127.0.0.1 or localhost";
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      checks.expected(path, value, expected);
      return;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    boolean ok =
        host != null
            && (scheme.equals("https")
                || scheme.equals("http") && LOOPBACK_HOSTS.contains(host.toLowerCase(Locale.ROOT)));
    if (!ok) {
      checks.expected(path, value, expected);
    }
  }

  private static void checkInlineJwks(FieldChecks checks, String value, String path) {
    String expected = "a JSON Web Key Set: a JSON object with a keys array";
    String shown = value.strip();
    shown = shown.length() > 40 ? shown.substring(0, 40) + "…" : shown;
    JsonNode node;
    try {
      node = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      checks.expected(path, shown, expected + "; not JSON: " + e.getOriginalMessage());
      return;
    }
    if (node == null || !node.isObject() || !node.path("keys").isArray()) {
      checks.expected(path, shown, expected);
    } else if (node.path("keys").isEmpty()) {
      checks.expected(path, shown, expected + " with at least one key");
    }
  }

  private static void checkLocations(FieldChecks checks, JwtRule rule, String path) {
    for (int j = 0; j < rule.fromHeaders().size(); j++) {
      RequestAuthentication.HeaderLocation header = rule.fromHeaders().get(j);
      String name = header == null ? null : header.name();
      if (!NameSyntax.isToken(name)) {
        checks.expected(path + ".fromHeaders[" + j + "].name", name, "a header name (an HTTP token)");
      }
    }
    for (int j = 0; j < rule.fromParams().size(); j++) {
      checks.required(path + ".fromParams[" + j + "]", rule.fromParams().get(j), "a query parameter name");
    }
    for (int j = 0; j < rule.fromCookies().size(); j++) {
      String cookie = rule.fromCookies().get(j);
      if (!NameSyntax.isToken(cookie)) {
        checks.expected(path + ".fromCookies[" + j + "]", cookie, "a cookie name");
      }
    }
    for (int j = 0; j < rule.outputClaimToHeaders().size(); j++) {
      RequestAuthentication.ClaimToHeader output = rule.outputClaimToHeaders().get(j);
      String itemPath = path + ".outputClaimToHeaders[" + j + "]";
      if (output == null) {
        checks.expected(itemPath, null, "a header and a claim");
        continue;
      }
      if (!NameSyntax.isToken(output.header())) {
        checks.expected(itemPath + ".header", output.header(), "a header name (an HTTP token)");
      }
      checks.required(itemPath + ".claim", output.claim(), "a claim name");
    }
  }
}
