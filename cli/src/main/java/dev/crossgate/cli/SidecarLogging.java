package dev.crossgate.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The sidecar's logging set-up. The launcher runs {@code crossgate sidecar} with slf4j-simple as
 * its SLF4J backend instead of Logback (about 10 classes instead of 230 on the start path; see
 * docs/sidecar.md, "Footprint"); slf4j-simple reads its settings from system properties, which
 * {@link #configure()} sets before the first logger is made, to the same layout and levels as the
 * CLI's {@code logback.xml}: {@code HH:mm:ss.SSS LEVEL Logger - message} on stderr, the root level
 * from {@code CROSSGATE_LOG_LEVEL} (default INFO), Netty, Vert.x, Infinispan, JBoss and JGroups
 * at WARN. A property given on the command line ({@code -Dorg.slf4j.simpleLogger...}) wins. With
 * Logback on the classpath instead (the whole CLI's), the properties are unused.
 */
final class SidecarLogging {

  private static final String PREFIX = "org.slf4j.simpleLogger.";

  private SidecarLogging() {
  }

  /** Sets slf4j-simple's system properties that are not already set. */
  static void configure() {
    settings(System.getenv("CROSSGATE_LOG_LEVEL"))
        .forEach((key, value) -> {
          if (System.getProperty(key) == null) {
            System.setProperty(key, value);
          }
        });
  }

  /** slf4j-simple's properties for a root level given as in {@code CROSSGATE_LOG_LEVEL}. */
  static Map<String, String> settings(String rootLevel) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(PREFIX + "logFile", "System.err");
    settings.put(PREFIX + "showDateTime", "true");
    settings.put(PREFIX + "dateTimeFormat", "HH:mm:ss.SSS");
    settings.put(PREFIX + "showThreadName", "false");
    settings.put(PREFIX + "showShortLogName", "true");
    settings.put(PREFIX + "defaultLogLevel", level(rootLevel));
    for (String quiet : new String[] {"io.netty", "io.vertx", "org.infinispan", "org.jboss",
        "org.jgroups"}) {
      settings.put(PREFIX + "log." + quiet, "warn");
    }
    // vertx-micrometer registers a gauge per shared server instance; one per port is kept.
    settings.put(PREFIX + "log.io.micrometer.core.instrument.MeterRegistry", "error");
    return settings;
  }

  /** The level slf4j-simple understands; INFO for none or an unknown one (as before, with Logback). */
  private static String level(String name) {
    String level = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    return switch (level) {
      case "trace", "debug", "info", "warn", "error", "off" -> level;
      default -> "info";
    };
  }
}
