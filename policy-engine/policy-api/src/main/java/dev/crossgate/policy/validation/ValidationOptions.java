package dev.crossgate.policy.validation;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.model.AllowedValues;
import dev.crossgate.policy.model.Gateway;
import java.util.List;
import java.util.Set;

/**
 * What the data plane that will run a bundle supports, so validation refuses what it cannot
 * serve. A data plane turns a listener protocol on here when it implements it.
 *
 * @param listenerProtocols the Gateway listener protocols accepted, a subset of {@code HTTP},
 *     {@code HTTPS} and {@code TCP}
 */
public record ValidationOptions(Set<String> listenerProtocols) {

  /** Every listener protocol the model knows. */
  public static final List<String> KNOWN_LISTENER_PROTOCOLS =
      AllowedValues.of(Gateway.Listener.class, "protocol");

  /** The defaults: {@code HTTP} listeners only. */
  public static final ValidationOptions DEFAULTS = new ValidationOptions(Set.of("HTTP"));

  /**
   * Every listener protocol some data plane serves: what the policy engine accepts, since each
   * data plane validates its snapshot again with its own options.
   */
  public static final ValidationOptions ALL_LISTENER_PROTOCOLS =
      new ValidationOptions(Set.copyOf(KNOWN_LISTENER_PROTOCOLS));

  public ValidationOptions {
    requireNonNull(listenerProtocols, "listenerProtocols");
    listenerProtocols = Set.copyOf(listenerProtocols);
    for (String protocol : listenerProtocols) {
      if (!KNOWN_LISTENER_PROTOCOLS.contains(protocol)) {
        throw new IllegalArgumentException(
            "listenerProtocols: "
                + protocol
                + " (expected: one of "
                + String.join(", ", KNOWN_LISTENER_PROTOCOLS)
                + ")");
      }
    }
  }

  /** These options with exactly {@code protocols} enabled. */
  public ValidationOptions withListenerProtocols(String... protocols) {
    return new ValidationOptions(Set.of(protocols));
  }

  /** The enabled listener protocols in the model's order. */
  List<String> enabledInOrder() {
    return KNOWN_LISTENER_PROTOCOLS.stream().filter(listenerProtocols::contains).toList();
  }
}
