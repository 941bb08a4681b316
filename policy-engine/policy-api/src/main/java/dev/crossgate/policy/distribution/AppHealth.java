package dev.crossgate.policy.distribution;

import java.util.Objects;

/**
 * What a sidecar's active health check of its own app says, as its heartbeats carry it to the
 * engine (fields 10-19 of {@code Heartbeat}).
 *
 * @param unhealthy whether the check finds the app unhealthy now
 * @param reason why (e.g. {@code status 503}); empty while healthy
 * @param failOpen the Service's {@code healthCheck.failOpen}: whether this endpoint stays in its
 *     service's set when every sidecar of the service reports an unhealthy app
 */
public record AppHealth(boolean unhealthy, String reason, boolean failOpen) {

  /** Healthy, or not checked at all. */
  public static final AppHealth HEALTHY = new AppHealth(false, "", true);

  /** Checks the reason is set. */
  public AppHealth {
    Objects.requireNonNull(reason, "reason");
  }
}
