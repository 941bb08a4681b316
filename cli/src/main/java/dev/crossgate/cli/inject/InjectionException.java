package dev.crossgate.cli.inject;

/**
 * A manifest that cannot be injected, with where and why: {@code file:line: Kind ns/name:
 * field: value (expected: …)}. {@link #invalidYaml()} tells YAML that does not parse apart from
 * a workload that parses but cannot carry a sidecar.
 */
public final class InjectionException extends Exception {

  private static final long serialVersionUID = 1L;

  private final boolean invalidYaml;

  InjectionException(String message, boolean invalidYaml) {
    super(message);
    this.invalidYaml = invalidYaml;
  }

  /** Whether the input is not YAML at all (rather than a workload that cannot be injected). */
  public boolean invalidYaml() {
    return invalidYaml;
  }
}
