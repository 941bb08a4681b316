package dev.crossgate.cli;

import dev.crossgate.sidecar.proxy.MtlsMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The sidecar's plain command lines read without picocli: building picocli's model of
 * {@link SidecarCommand} costs ~80 ms of CPU and ~170 classes on every sidecar start (see
 * docs/sidecar.md, "Footprint"). It reads only what it can read exactly as picocli would: the
 * value options of {@link SidecarCommand}, each at most once, as {@code --name value} or
 * {@code --name=value}, with plain values (decimal ports without a leading zero, durations as
 * {@link DurationConverter} writes them, mTLS modes by name), and the same defaults, environment
 * variables included. Anything else (help, version, {@code --shutdown}, {@code --wait-ready},
 * an unknown or repeated option, an odd value, an argument file) answers empty, and
 * {@link SidecarMain} hands the whole command line to picocli, which parses it, or refuses it
 * with its usual message.
 */
final class SidecarArgs {

  private static final Pattern PORT = Pattern.compile("0|[1-9]\\d{0,8}");
  private static final Pattern DURATION = Pattern.compile("\\d{1,9}(ms|s|m|h)");
  private static final String[] OPTIONS = {"--service", "--namespace", "--app-port",
      "--control-plane", "--join-token", "--inbound-port", "--outbound-port", "--admin-port",
      "--admin-address", "--advertise-address", "--state-dir", "--drain-period", "--mtls-mode",
      "--tls-engine"};

  private SidecarArgs() {
  }

  /** The value options this class reads; every other option goes to picocli. */
  static String[] options() {
    return OPTIONS.clone();
  }

  /**
   * {@code args} as a {@link SidecarCommand} with its fields set, or empty when picocli has to
   * read them. {@code env} and {@code properties} stand for the environment and the system
   * properties that the options' defaults name.
   */
  static Optional<SidecarCommand> parse(String[] args, UnaryOperator<String> env,
      UnaryOperator<String> properties) {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg : arg.substring(0, equals);
      if (!known(name) || given.containsKey(name)) {
        return Optional.empty();
      }
      String value;
      if (equals >= 0) {
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        return Optional.empty();
      }
      if (!plain(value)) {
        return Optional.empty();
      }
      given.put(name, value);
    }
    SidecarCommand command = new SidecarCommand();
    command.service = given.getOrDefault("--service", env.apply("CROSSGATE_SERVICE"));
    command.namespace = given.getOrDefault("--namespace",
        orDefault(env.apply("CROSSGATE_NAMESPACE"), "default"));
    command.controlPlane = given.getOrDefault("--control-plane",
        orDefault(env.apply("CROSSGATE_CONTROL_PLANE"), "127.0.0.1:9081"));
    command.joinToken = given.getOrDefault("--join-token", env.apply("CROSSGATE_JOIN_TOKEN"));
    command.adminAddress = given.getOrDefault("--admin-address", "127.0.0.1");
    command.advertiseAddress = given.getOrDefault("--advertise-address",
        env.apply("CROSSGATE_ADVERTISE_ADDRESS"));
    command.tlsEngine = given.getOrDefault("--tls-engine",
        properties.apply("crossgate.sidecar.tls-engine"));
    String stateDir = given.getOrDefault("--state-dir",
        orDefault(env.apply("CROSSGATE_STATE_DIR"), ".crossgate"));
    String appPort = given.getOrDefault("--app-port", env.apply("CROSSGATE_APP_PORT"));
    String[] ports = {given.getOrDefault("--inbound-port", "4143"),
        given.getOrDefault("--outbound-port", "4140"), given.getOrDefault("--admin-port", "4191")};
    String drain = given.getOrDefault("--drain-period", "2s");
    String mode = given.getOrDefault("--mtls-mode", "PERMISSIVE");
    if (!plainOrNull(command.service) || !plain(command.namespace)
        || !plain(command.controlPlane) || !plainOrNull(command.joinToken)
        || !plainOrNull(command.advertiseAddress) || !plainOrNull(command.tlsEngine)
        || !plain(stateDir) || (appPort != null && !PORT.matcher(appPort).matches())
        || !PORT.matcher(ports[0]).matches() || !PORT.matcher(ports[1]).matches()
        || !PORT.matcher(ports[2]).matches() || !DURATION.matcher(drain).matches()) {
      return Optional.empty();
    }
    MtlsMode mtlsMode = mode(mode);
    if (mtlsMode == null) {
      return Optional.empty();
    }
    command.appPort = appPort == null ? null : Integer.valueOf(appPort);
    command.inboundPort = Integer.parseInt(ports[0]);
    command.outboundPort = Integer.parseInt(ports[1]);
    command.adminPort = Integer.parseInt(ports[2]);
    command.drainPeriod = new DurationConverter().convert(drain);
    command.mtlsMode = mtlsMode;
    command.stateDir = Path.of(stateDir);
    command.timeout = Duration.ofSeconds(60);
    return Optional.of(command);
  }

  private static boolean known(String name) {
    for (String option : OPTIONS) {
      if (option.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** A value picocli takes as it is: not empty, not option-like, no quotes, no {@code @file}. */
  private static boolean plain(String value) {
    return !value.isEmpty() && !value.startsWith("-") && !value.startsWith("@")
        && value.indexOf('"') < 0 && value.indexOf('\'') < 0 && value.strip().equals(value);
  }

  private static boolean plainOrNull(String value) {
    return value == null || plain(value);
  }

  private static String orDefault(String value, String fallback) {
    return value == null ? fallback : value;
  }

  private static MtlsMode mode(String name) {
    for (MtlsMode mode : MtlsMode.values()) {
      if (mode.name().equals(name.toUpperCase(Locale.ROOT))) {
        return mode;
      }
    }
    return null;
  }
}
