package dev.crossgate.policy.distribution;

import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a data plane reaches the policy engines.
 *
 * @param engines engine addresses; tried in turn on reconnect
 * @param heartbeatInterval how often the node sends a heartbeat
 * @param deadAfter a stream with no message from the engine for this long is dropped
 * @param initialBackoff the first reconnect delay bound
 * @param maxBackoff the largest reconnect delay bound (full jitter below it)
 */
public record DistributionClientSettings(List<SocketAddress> engines, Duration heartbeatInterval,
    Duration deadAfter, Duration initialBackoff, Duration maxBackoff) {

  public DistributionClientSettings {
    engines = List.copyOf(engines);
    if (engines.isEmpty()) {
      throw new IllegalArgumentException("engines: [] (expected: at least one HOST:PORT)");
    }
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(deadAfter, "deadAfter");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (deadAfter.compareTo(heartbeatInterval) <= 0) {
      throw new IllegalArgumentException("deadAfter: " + deadAfter
          + " (expected: longer than heartbeatInterval " + heartbeatInterval + ")");
    }
  }

  /** Defaults: heartbeat every 5 s, dead after 15 s, backoff 100 ms doubling up to 5 s. */
  public static DistributionClientSettings defaults(List<SocketAddress> engines) {
    return new DistributionClientSettings(engines, Duration.ofSeconds(5), Duration.ofSeconds(15),
        Duration.ofMillis(100), Duration.ofSeconds(5));
  }

  /**
   * Parses {@code host:port[,host:port…]}.
   *
   * @throws IllegalArgumentException naming the bad entry and the expected form
   */
  public static List<SocketAddress> parseEngines(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("control plane: '' (expected: HOST:PORT[,HOST:PORT…])");
    }
    return java.util.Arrays.stream(text.split(",")).map(String::trim).map(entry -> {
      int colon = entry.lastIndexOf(':');
      if (colon <= 0 || colon == entry.length() - 1) {
        throw new IllegalArgumentException("control plane: '" + entry
            + "' (expected: HOST:PORT, e.g. 127.0.0.1:9081)");
      }
      int port;
      try {
        port = Integer.parseInt(entry.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("control plane: '" + entry
            + "' (expected: a port 1..65535 after the colon)");
      }
      String host = entry.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return SocketAddress.inetSocketAddress(port, host);
    }).toList();
  }
}
