package dev.crossgate.policy.server.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a JGroups stack by name or path and fills in one engine's variables, so that the text
 * handed to Infinispan ({@code configurationXml}) is specific to that engine even when several
 * run in one JVM.
 */
public final class JGroupsStacks {

  /** {@code ${name}} or {@code ${name:default}}. */
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)(:[^}]*)?}");

  private static final Map<String, String> ALIASES = Map.of(
      "tcp", InfinispanOptions.TCP_STACK,
      "jgroups-tcp-local.xml", InfinispanOptions.TCP_STACK,
      "jgroups-tcp.xml", InfinispanOptions.TCP_STACK,
      "kubernetes", InfinispanOptions.KUBERNETES_STACK,
      "k8s", InfinispanOptions.KUBERNETES_STACK,
      "jgroups-kubernetes.xml", InfinispanOptions.KUBERNETES_STACK);

  private JGroupsStacks() {}

  /**
   * The stack's XML: a file if {@code nameOrPath} names one, else a classpath resource (the
   * bundled stacks also answer to {@code tcp}, {@code jgroups-tcp-local.xml}, {@code kubernetes}
   * and {@code jgroups-kubernetes.xml}).
   *
   * @throws IllegalArgumentException when there is no such file or resource
   */
  public static String load(String nameOrPath) {
    requireNonNull(nameOrPath, "nameOrPath");
    Path file = Path.of(nameOrPath);
    if (Files.isRegularFile(file)) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read JGroups stack " + file, e);
      }
    }
    String resource = ALIASES.getOrDefault(nameOrPath.toLowerCase(Locale.ROOT), nameOrPath);
    try (InputStream in = JGroupsStacks.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("JGroups stack: '" + nameOrPath + "' (expected: a file,"
            + " or one of " + InfinispanOptions.TCP_STACK + " (tcp), "
            + InfinispanOptions.KUBERNETES_STACK + " (kubernetes))");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read JGroups stack " + resource, e);
    }
  }

  /**
   * Replaces the variables named in {@code values} (with or without a default); leaves the others
   * for JGroups to resolve from system properties or their defaults.
   */
  public static String substitute(String xml, Map<String, String> values) {
    if (values.isEmpty()) {
      return xml;
    }
    Matcher matcher = VARIABLE.matcher(xml);
    StringBuilder out = new StringBuilder(xml.length());
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      matcher.appendReplacement(out,
          Matcher.quoteReplacement(value == null ? matcher.group() : xmlAttribute(value)));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static String xmlAttribute(String value) {
    return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
  }
}
