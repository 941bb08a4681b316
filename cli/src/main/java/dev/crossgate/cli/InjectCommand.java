package dev.crossgate.cli;

import dev.crossgate.cli.inject.InjectionException;
import dev.crossgate.cli.inject.ManifestInjector;
import dev.crossgate.cli.inject.SidecarSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crossgate inject}: adds the sidecar to Kubernetes workloads and prints the result. */
@Command(name = "inject",
    mixinStandardHelpOptions = true,
    description = "Add the Crossgate sidecar to every workload (Deployment, StatefulSet, DaemonSet,"
        + " ReplicaSet, Job, CronJob, Pod) of Kubernetes manifests and write them to stdout: the "
        + "capture init container, the sidecar as a native sidecar (Kubernetes 1.29+) that the "
        + "app containers wait for, and its volumes. Other documents are written back as they "
        + "were; injecting again changes nothing.",
    footer = {"", "Examples:",
        "  crossgate inject -f deployment.yaml | kubectl apply -f -",
        "  kubectl get deploy reviews -o yaml | crossgate inject -f - --app-port 9080",
        "", "Exit codes: 0 done, 1 invalid YAML or a missing file, 2 usage error,",
        "9 a workload cannot carry the sidecar (no containers, host network, no app port,",
        "an app running as the sidecar's UID). On any error nothing is written to stdout."})
final class InjectCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** Standard input, replaceable in tests. */
  InputStream stdin = System.in;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "Manifest files, repeatable; '-' reads standard input.")
  List<String> files;

  @Option(names = "--image", paramLabel = "IMAGE",
      defaultValue = "${env:CROSSGATE_SIDECAR_IMAGE:-" + SidecarSettings.DEFAULT_IMAGE + "}",
      description = "Sidecar image (also runs the capture init container); default "
          + "${DEFAULT-VALUE} (env CROSSGATE_SIDECAR_IMAGE).")
  String image;

  @Option(names = "--control-plane", paramLabel = "HOST:PORT",
      defaultValue = "${env:CROSSGATE_INJECT_CONTROL_PLANE:-"
          + SidecarSettings.DEFAULT_CONTROL_PLANE + "}",
      description = "Policy engine distribution address the sidecars use; default "
          + "${DEFAULT-VALUE} (env CROSSGATE_INJECT_CONTROL_PLANE).")
  String controlPlane;

  @Option(names = "--join-token-secret", paramLabel = "NAME",
      defaultValue = "${env:CROSSGATE_JOIN_TOKEN_SECRET:-"
          + SidecarSettings.DEFAULT_JOIN_TOKEN_SECRET + "}",
      description = "Secret in the workload's namespace whose key '"
          + SidecarSettings.JOIN_TOKEN_KEY + "' is the join token ("
          + SidecarSettings.SERVICE_ACCOUNT + ": the pod's service account, as a join token is "
          + "bound to one); default ${DEFAULT-VALUE} (env CROSSGATE_JOIN_TOKEN_SECRET).")
  String joinTokenSecret;

  @Option(names = "--app-port", paramLabel = "PORT",
      description = "The app's port; default: the crossgate.dev/app-port annotation, else the "
          + "first TCP containerPort.")
  Integer appPort;

  @Option(names = "--exclude-inbound-ports", split = ",", paramLabel = "PORT",
      description = "Inbound ports left out of capture (the sidecar admin port "
          + SidecarSettings.ADMIN_PORT + " always is).")
  List<Integer> excludeInbound = new ArrayList<>();

  @Option(names = "--exclude-outbound-ports", split = ",", paramLabel = "PORT",
      description = "Destination ports left out of outbound capture (e.g. a database).")
  List<Integer> excludeOutbound = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    SidecarSettings settings;
    try {
      settings = new SidecarSettings(image, controlPlane, joinTokenSecret, appPort,
          excludeInbound, excludeOutbound);
    } catch (IllegalArgumentException e) {
      return fail(err, ExitCodes.USAGE, "crossgate inject: " + e.getMessage());
    }
    ManifestInjector injector = new ManifestInjector(settings);
    StringBuilder out = new StringBuilder();
    int injected = 0;
    int unchanged = 0;
    for (String file : files) {
      String yaml;
      try {
        yaml = read(file);
      } catch (NoSuchFileException e) {
        return fail(err, ExitCodes.INVALID_CONFIG, "crossgate inject: " + file
            + ": no such file (expected: a manifest file, or '-' for standard input)");
      } catch (IOException e) {
        return fail(err, ExitCodes.INVALID_CONFIG, "crossgate inject: " + file + ": cannot read: "
            + e.getMessage());
      }
      ManifestInjector.Result result;
      try {
        result = injector.inject(file, yaml);
      } catch (InjectionException e) {
        return fail(err, e.invalidYaml() ? ExitCodes.INVALID_CONFIG : ExitCodes.NOT_INJECTABLE,
            e.getMessage());
      }
      if (out.length() > 0 && !result.yaml().startsWith("---")) {
        if (out.charAt(out.length() - 1) != '\n') {
          out.append('\n');
        }
        out.append("---\n");
      }
      out.append(result.yaml());
      injected += result.injected();
      unchanged += result.unchanged();
    }
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.print(out);
    stdout.flush();
    err.printf("crossgate inject: %d workload%s injected, %d already injected or opted out%n",
        injected, injected == 1 ? "" : "s", unchanged);
    err.flush();
    return ExitCodes.OK;
  }

  private String read(String file) throws IOException {
    if (file.equals("-")) {
      return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
    }
    return Files.readString(Path.of(file), StandardCharsets.UTF_8);
  }

  private static int fail(PrintWriter err, int code, String message) {
    err.println(message);
    err.flush();
    return code;
  }
}
