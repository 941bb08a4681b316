package dev.crossgate.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback set up in code, as {@code logback.xml} would, when the system property
 * {@value #PROPERTY} is {@code true} (the launcher sets it for {@code crossgate sidecar}):
 * reading the XML file loads the JDK's XML parser and Logback's configuration model, several
 * hundred classes the sidecar keeps in metaspace for nothing. Without the property it steps
 * aside and {@code logback.xml} applies.
 */
public final class SidecarLogging extends ContextAwareBase implements Configurator {

  /** The system property that turns this configurator on. */
  public static final String PROPERTY = "crossgate.logging.programmatic";
  private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (!Boolean.getBoolean(PROPERTY)) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getenv("CROSSGATE_LOG_LEVEL"), Level.INFO));
    root.addAppender(stderr);
    for (String quiet : new String[] {"io.netty", "io.vertx", "org.infinispan", "org.jboss",
        "org.jgroups"}) {
      context.getLogger(quiet).setLevel(Level.WARN);
    }
    context.getLogger("io.micrometer.core.instrument.MeterRegistry").setLevel(Level.ERROR);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
