package dev.crossgate.routing.authz;

import dev.crossgate.routing.authn.RequestIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** An Istio {@code when} key resolved once into a function from request to its values. */
final class WhenKey {

  private final Function<AuthzRequest, List<String>> resolve;
  private final boolean address;

  private WhenKey(Function<AuthzRequest, List<String>> resolve) {
    this(resolve, false);
  }

  private WhenKey(Function<AuthzRequest, List<String>> resolve, boolean address) {
    this.resolve = resolve;
    this.address = address;
  }

  /** Whether the key is an IP address, matched against addresses and CIDRs. */
  boolean isAddress() {
    return address;
  }

  List<String> values(AuthzRequest request) {
    return resolve.apply(request);
  }

  static WhenKey parse(String key) {
    if (key.startsWith("request.headers[") && key.endsWith("]")) {
      String name = key.substring("request.headers[".length(), key.length() - 1);
      return new WhenKey(r -> one(r.header(name)));
    }
    if (key.startsWith("request.auth.claims[") && key.endsWith("]")) {
      String name = key.substring("request.auth.claims[".length(), key.length() - 1);
      return new WhenKey(r -> claimValues(r.identity(), name));
    }
    if (key.equals("source.ip") || key.equals("remote.ip")) {
      return new WhenKey(r -> one(r.sourceAddress()), true);
    }
    if (key.equals("destination.ip")) {
      return new WhenKey(r -> List.of(), true); // not known to the proxy: matches no value
    }
    return new WhenKey(switch (key) {
      case "source.namespace" -> r -> one(r.identity().sourceNamespace());
      case "source.principal" -> r -> one(r.identity().sourcePrincipal());
      case "request.auth.principal" -> r -> one(r.identity().requestPrincipal());
      case "request.auth.audiences" -> r -> claimValues(r.identity(), "aud");
      case "request.auth.presenter" -> r -> claimValues(r.identity(), "azp");
      case "destination.port" -> r -> r.port() == 0 ? List.of() : List.of(
          String.valueOf(r.port()));
      case "connection.sni" -> r -> List.of();
      default -> throw new IllegalArgumentException("when key: " + key
          + " (expected a key the validator accepts)");
    });
  }

  /**
   * The values of a claim as strings: a list gives each element, a string gives itself (a
   * space-separated {@code scope} gives each scope), anything else its text.
   */
  static List<String> claimValues(RequestIdentity identity, String claim) {
    Object value = identity.claim(claim);
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      List<String> values = new ArrayList<>(list.size());
      for (Object element : list) {
        values.add(String.valueOf(element));
      }
      return values;
    }
    if (("scope".equals(claim) || "scp".equals(claim)) && value instanceof String s) {
      return List.of(s.trim().split("\\s+"));
    }
    return List.of(String.valueOf(value));
  }

  private static List<String> one(String value) {
    return value == null ? List.of() : List.of(value);
  }
}
