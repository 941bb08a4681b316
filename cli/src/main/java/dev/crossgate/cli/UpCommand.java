package dev.crossgate.cli;

import dev.crossgate.gateway.GatewayOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code crossgate up}: starts demo backends and a gateway routing to them, writes the live
 * configuration under the state folder, and prints what to try.
 */
@Command(name = "up",
    mixinStandardHelpOptions = true,
    description = "Start a gateway with a built-in demo configuration and demo backends.",
    footer = {"", "Example:", "  crossgate up --port 8080 --admin-port 9901"})
final class UpCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--port", paramLabel = "PORT",
      defaultValue = "${env:CROSSGATE_GATEWAY_PORT:-8080}",
      description = "Gateway port; default ${DEFAULT-VALUE} (env CROSSGATE_GATEWAY_PORT).")
  int port;

  @Option(names = "--admin-port", paramLabel = "PORT",
      defaultValue = "${env:CROSSGATE_ADMIN_PORT:-9901}",
      description = "Admin port; default ${DEFAULT-VALUE} (env CROSSGATE_ADMIN_PORT).")
  int adminPort;

  @Option(names = "--state-dir", paramLabel = "DIR",
      defaultValue = "${env:CROSSGATE_STATE_DIR:-.crossgate}",
      description = "Where the live demo configuration and access log are written; default "
          + "${DEFAULT-VALUE} (env CROSSGATE_STATE_DIR).")
  Path stateDir;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    DemoBackends backends = DemoBackends.start();
    Files.createDirectories(stateDir);
    Path config = stateDir.resolve("demo.yaml");
    Files.writeString(config, demoYaml(port == 0 ? 8080 : port, backends.ports()));
    Path accessLogFile = stateDir.resolve("access.log");
    OutputStream accessLog = Files.newOutputStream(accessLogFile, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    GatewayOptions options = GatewayOptions.defaults(List.of(config))
        .withPorts(Map.of("http", port), adminPort)
        .withAccessLog(accessLog);
    return GatewayRunner.runUntilStopped(options, err, server -> {
      PrintWriter out = spec.commandLine().getOut();
      out.println(banner(server.port("http"), server.adminPort(), config, accessLogFile));
      out.flush();
    }, backends::close);
  }

  private static String demoYaml(int gatewayPort, Map<String, Integer> ports) throws IOException {
    String template;
    try (InputStream in = UpCommand.class.getResourceAsStream("/demo/demo.yaml")) {
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String yaml = template.replace("${GATEWAY_PORT}", String.valueOf(gatewayPort));
    for (var entry : ports.entrySet()) {
      String key = "${" + entry.getKey().toUpperCase(Locale.ROOT).replace('-', '_') + "_PORT}";
      yaml = yaml.replace(key, String.valueOf(entry.getValue()));
    }
    return yaml;
  }

  private static String banner(int port, int adminPort, Path config, Path accessLog) {
    String base = "http://127.0.0.1:" + port;
    String admin = "http://127.0.0.1:" + adminPort;
    return String.join("\n",
        "",
        "Crossgate is up: gateway on " + base + ", admin on " + admin,
        "",
        "Try:",
        "  curl -s " + base + "/catalog/items            # round-robin over catalog-1 and"
            + " catalog-2",
        "  curl -s " + base + "/api/v1/catalog/items     # rewritten to /catalog/items",
        "  curl -si " + base + "/shop                    # 302 redirect to /catalog",
        "  curl -s " + base + "/orders                   # canary: 90% orders-v1, 10% orders-v2",
        "  curl -s -H 'x-version: v2' " + base + "/orders  # pin to orders-v2",
        "  curl -s " + base + "/nowhere                  # problem+json, x-crossgate-error:"
            + " route_not_found",
        "  curl -s " + admin + "/metrics | grep crossgate_requests",
        "  curl -s " + admin + "/config_dump",
        "",
        "The configuration is live: edit " + config + " and it reloads (an invalid edit is",
        "refused and the old one keeps serving). Access log: " + accessLog,
        "Stop with Ctrl-C.",
        "");
  }

}
