package dev.crossgate.routing.config;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Holds the running {@link RoutingConfig}. A swap is one atomic reference write: each request
 * reads the reference once and finishes on what it read.
 */
public final class ConfigHolder {

  private final AtomicReference<RoutingConfig> current;
  private final Consumer<RoutingConfig> onApplied;

  /** A holder starting with {@code initial}; {@code onApplied} runs after every swap. */
  public ConfigHolder(RoutingConfig initial, Consumer<RoutingConfig> onApplied) {
    this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    this.onApplied = Objects.requireNonNull(onApplied, "onApplied");
    onApplied.accept(initial);
  }

  /** The running configuration. */
  public RoutingConfig current() {
    return current.get();
  }

  /** Replaces the running configuration. */
  public void swap(RoutingConfig next) {
    current.set(Objects.requireNonNull(next, "next"));
    onApplied.accept(next);
  }
}
