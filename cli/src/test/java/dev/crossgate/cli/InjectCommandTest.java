package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code crossgate inject} run as a user runs it: files or stdin in, YAML out, exit codes. */
class InjectCommandTest {

  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: reviews
        namespace: shop
      spec:
        selector:
          matchLabels: {app: reviews}
        template:
          metadata:
            labels: {app: reviews}
          spec:
            initContainers:
              - name: migrate
                image: shop/migrate:1
            containers:
              - name: reviews
                image: shop/reviews:1
                ports:
                  - containerPort: 9080
            volumes:
              - name: cache
                emptyDir: {}
      """;

  private static final String CONFIG_MAP = """
      # a comment that must survive
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: settings}   # flow style kept as written
      data:
        mode: "on"
      """;

  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private String stdin = "";

  private int execute(String... args) {
    CommandLine commandLine = CrossgateCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    CommandLine inject = commandLine.getSubcommands().get("inject");
    ((InjectCommand) inject.getCommand()).stdin =
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    return commandLine.execute(args);
  }

  private Path file(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private String injectText(String yaml, String... extra) throws Exception {
    Path file = file("in-" + System.nanoTime() + ".yaml", yaml);
    List<String> args = new ArrayList<>(List.of("inject", "-f", file.toString()));
    args.addAll(List.of(extra));
    out.getBuffer().setLength(0);
    int code = execute(args.toArray(String[]::new));
    assertThat(code).as(err.toString()).isZero();
    return out.toString();
  }

  private static JsonNode podSpec(JsonNode deployment) {
    return deployment.path("spec").path("template").path("spec");
  }

  private static List<String> names(JsonNode containers) {
    List<String> names = new ArrayList<>();
    containers.forEach(c -> names.add(c.path("name").asText()));
    return names;
  }

  @Test
  void addsCaptureSidecarVolumesAndLabelBeforeTheUsersInitContainers() throws Exception {
    JsonNode deployment = RenderedManifests.parse(injectText(DEPLOYMENT)).get(0);
    JsonNode spec = podSpec(deployment);

    assertThat(names(spec.path("initContainers")))
        .containsExactly("crossgate-init", "crossgate-sidecar", "migrate");
    assertThat(names(spec.path("containers"))).containsExactly("reviews");
    assertThat(names(spec.path("volumes")))
        .containsExactly("cache", "crossgate-identity", "crossgate-tmp");
    assertThat(deployment.path("spec").path("template").path("metadata").path("labels")
        .path("crossgate.dev/data-plane").asText()).isEqualTo("true");
    JsonNode sidecar = spec.path("initContainers").get(1);
    assertThat(sidecar.path("restartPolicy").asText()).isEqualTo("Always");
    assertThat(sidecar.path("startupProbe").path("httpGet").path("path").asText())
        .isEqualTo("/ready");
    assertThat(sidecar.path("args").toString()).contains("\"--service=reviews\"",
        "\"--app-port=9080\"", "\"--join-token=$(CROSSGATE_JOIN_TOKEN)\"");
    assertThat(sidecar.path("env").get(1).path("valueFrom").path("secretKeyRef").path("name")
        .asText()).isEqualTo("crossgate-join-default");
    // The mesh endpoint the sidecar registers is the pod IP, from the downward API.
    assertThat(sidecar.path("args").toString()).contains("\"--advertise-address=$(POD_IP)\"");
    assertThat(sidecar.path("env").get(2).path("name").asText()).isEqualTo("POD_IP");
    assertThat(sidecar.path("env").get(2).path("valueFrom").path("fieldRef").path("fieldPath")
        .asText()).isEqualTo("status.podIP");
    assertThat(sidecar.path("volumeMounts").get(0).path("mountPath").asText())
        .isEqualTo("/var/run/crossgate");
    assertThat(err.toString()).contains("1 workload injected, 0 already injected");
  }

  @Test
  void injectingTwiceChangesNothing() throws Exception {
    String once = injectText(DEPLOYMENT + "---\n" + CONFIG_MAP);
    String twice = injectText(once);

    assertThat(twice).isEqualTo(once);
    assertThat(err.toString()).contains("0 workloads injected, 1 already injected");
  }

  @Test
  void injectingAgainWithOtherSettingsReplacesTheSidecarInsteadOfAddingOne() throws Exception {
    String once = injectText(DEPLOYMENT);
    String withAccount = once.replace("containers:\n",
        "serviceAccountName: reviews\n      containers:\n");
    String again = injectText(withAccount, "--image", "registry.local/crossgate/sidecar:9",
        "--join-token-secret", "mesh-{serviceAccount}",
        "--exclude-outbound-ports", "5432,6379");
    JsonNode spec = podSpec(RenderedManifests.parse(again).get(0));

    assertThat(names(spec.path("initContainers")))
        .containsExactly("crossgate-init", "crossgate-sidecar", "migrate");
    assertThat(names(spec.path("volumes")))
        .containsExactly("cache", "crossgate-identity", "crossgate-tmp");
    assertThat(spec.path("initContainers").get(1).path("image").asText())
        .isEqualTo("registry.local/crossgate/sidecar:9");
    assertThat(spec.path("initContainers").get(0).path("env").toString())
        .contains("{\"name\":\"CROSSGATE_EXCLUDE_OUTBOUND_PORTS\",\"value\":\"5432,6379\"}");
    assertThat(spec.path("initContainers").get(1).path("env").get(1).path("valueFrom")
        .path("secretKeyRef").path("name").asText()).isEqualTo("mesh-reviews");
  }

  @Test
  void otherDocumentsAreWrittenBackByteForByte() throws Exception {
    String output = injectText(CONFIG_MAP + "---\n" + DEPLOYMENT + "---\n" + CONFIG_MAP);

    assertThat(output).startsWith(CONFIG_MAP + "---\n").endsWith("---\n" + CONFIG_MAP);
    assertThat(RenderedManifests.parse(output)).hasSize(3);
  }

  @Test
  void everyWorkloadKindIsInjectedAtItsPodTemplate() throws Exception {
    String pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: once}
        spec:
          containers: [{name: main, image: x, ports: [{containerPort: 80}]}]
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: x, ports: [{containerPort: 81}]}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          template:
            spec:
              containers: [{name: main, image: x, ports: [{containerPort: 82}]}]
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          template:
            spec:
              containers: [{name: main, image: x, ports: [{containerPort: 83}]}]
        """;
    List<JsonNode> docs = RenderedManifests.parse(injectText(pod));

    assertThat(names(docs.get(0).path("spec").path("initContainers")))
        .containsExactly("crossgate-init", "crossgate-sidecar");
    JsonNode cron = docs.get(1).path("spec").path("jobTemplate").path("spec").path("template");
    assertThat(names(cron.path("spec").path("initContainers")))
        .containsExactly("crossgate-init", "crossgate-sidecar");
    assertThat(cron.path("spec").path("initContainers").get(1).path("args").toString())
        .contains("--service=nightly", "--app-port=81");
    assertThat(names(podSpec(docs.get(2)).path("initContainers"))).hasSize(2);
    assertThat(names(podSpec(docs.get(3)).path("initContainers"))).hasSize(2);
    assertThat(err.toString()).contains("4 workloads injected");
  }

  @Test
  void injectsTheItemsOfAListAsKubectlGetPrintsIt() throws Exception {
    String list = """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Service
            metadata: {name: reviews}
            spec: {ports: [{port: 80}]}
          - apiVersion: apps/v1
            kind: Deployment
            metadata: {name: reviews}
            spec:
              template:
                spec:
                  containers: [{name: main, image: x, ports: [{containerPort: 9080}]}]
          - apiVersion: apps/v1
            kind: Deployment
            metadata: {name: broken}
            spec: {}
        """;
    Path file = file("list.yaml", list);
    assertThat(execute("inject", "-f", file.toString())).isEqualTo(ExitCodes.NOT_INJECTABLE);
    assertThat(err.toString()).contains(file + ":1: items[2] Deployment broken: spec.template: "
        + "missing (expected: a pod template)");

    String fixed = list.substring(0, list.indexOf("  - apiVersion: apps/v1\n    kind: Deployment\n"
        + "    metadata: {name: broken}"));
    String once = injectText(fixed);
    JsonNode items = RenderedManifests.parse(once).get(0).path("items");
    assertThat(items.get(0).path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(80);
    assertThat(names(podSpec(items.get(1)).path("initContainers")))
        .containsExactly("crossgate-init", "crossgate-sidecar");
    assertThat(injectText(once)).isEqualTo(once);
  }

  @Test
  void readsStandardInputAndSeveralFiles() throws Exception {
    Path second = file("second.yaml", CONFIG_MAP);
    stdin = DEPLOYMENT;

    int code = execute("inject", "-f", "-", "-f", second.toString());

    assertThat(code).as(err.toString()).isZero();
    List<JsonNode> docs = RenderedManifests.parse(out.toString());
    assertThat(docs).extracting(d -> d.path("kind").asText())
        .containsExactly("Deployment", "ConfigMap");
    assertThat(out.toString()).endsWith("---\n" + CONFIG_MAP);
  }

  @Test
  void theAppPortComesFromTheFlagThenTheAnnotationThenTheFirstContainerPort() throws Exception {
    String annotated = DEPLOYMENT.replace("labels: {app: reviews}",
        "labels: {app: reviews}\n      annotations: {crossgate.dev/app-port: \"7000\"}");
    assertThat(injectText(annotated)).contains("--app-port=7000");
    assertThat(injectText(annotated, "--app-port", "7100")).contains("--app-port=7100");
    assertThat(injectText(DEPLOYMENT)).contains("--app-port=9080");
  }

  @Test
  void aWorkloadThatOptsOutIsLeftAlone() throws Exception {
    String optedOut = DEPLOYMENT.replace("labels: {app: reviews}",
        "labels: {app: reviews}\n      annotations: {crossgate.dev/inject: \"false\"}");
    assertThat(injectText(optedOut)).isEqualTo(optedOut);
  }

  @Test
  void badYamlIsExitCodeOneWithTheLineAndNothingIsWritten() throws Exception {
    Path file = file("bad.yaml", CONFIG_MAP + "---\n" + DEPLOYMENT + "---\nkind: Pod\n  x: [1,\n");

    int code = execute("inject", "-f", file.toString());

    assertThat(code).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(out.toString()).isEmpty();
    int line = (CONFIG_MAP + "---\n" + DEPLOYMENT + "---\n").split("\n").length + 2;
    assertThat(err.toString()).startsWith(file + ":" + line + ": invalid YAML: ")
        .contains("mapping values are not allowed here");
  }

  @Test
  void aDuplicateKeyIsInvalidYaml() throws Exception {
    Path file = file("dup.yaml", "kind: Pod\nkind: Pod\n");
    assertThat(execute("inject", "-f", file.toString())).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(err.toString()).contains("dup.yaml:2: invalid YAML: Duplicate field 'kind'");
  }

  @Test
  void aWorkloadWithoutContainersIsRefusedWithItsPath() throws Exception {
    Path file = file("empty.yaml", CONFIG_MAP + "---\n" + """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: hollow, namespace: shop}
        spec:
          template:
            spec:
              containers: []
        """);

    int code = execute("inject", "-f", file.toString());

    assertThat(code).isEqualTo(ExitCodes.NOT_INJECTABLE);
    assertThat(out.toString()).isEmpty();
    int line = CONFIG_MAP.split("\n").length + 1;
    assertThat(err.toString().strip()).isEqualTo(file + ":" + line
        + ": Deployment shop/hollow: spec.template.spec.containers: [] (expected: at least one "
        + "app container)");
  }

  @Test
  void aListFieldThatIsNotAListIsRefused() throws Exception {
    Path file = file("v.yaml", DEPLOYMENT.replace("      volumes:\n        - name: cache\n"
        + "          emptyDir: {}\n", "      volumes: cache\n"));
    assertThat(execute("inject", "-f", file.toString())).isEqualTo(ExitCodes.NOT_INJECTABLE);
    assertThat(err.toString()).contains(
        "v.yaml:1: Deployment shop/reviews: spec.template.spec.volumes: cache (expected: a list)");
  }

  @Test
  void aWorkloadWithoutATemplateIsRefused() throws Exception {
    Path file = file("t.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
        + "spec: {replicas: 1}\n");
    assertThat(execute("inject", "-f", file.toString())).isEqualTo(ExitCodes.NOT_INJECTABLE);
    assertThat(err.toString())
        .contains("t.yaml:1: Deployment d: spec.template: missing (expected: a pod template)");
  }

  @Test
  void hostNetworkNoAppPortAndTheSidecarsUidAreRefused() throws Exception {
    Path host = file("host.yaml", DEPLOYMENT.replace("      containers:",
        "      hostNetwork: true\n      containers:"));
    assertThat(execute("inject", "-f", host.toString())).isEqualTo(ExitCodes.NOT_INJECTABLE);
    assertThat(err.toString()).contains("spec.template.spec.hostNetwork: true (expected: false");

    Path portless = file("portless.yaml", DEPLOYMENT.replace(
        "          ports:\n            - containerPort: 9080\n", ""));
    assertThat(execute("inject", "-f", portless.toString()))
        .isEqualTo(ExitCodes.NOT_INJECTABLE);
    assertThat(err.toString()).contains("spec.template.spec.containers[*].ports: no TCP "
        + "containerPort (expected: a containerPort, the crossgate.dev/app-port annotation, or "
        + "--app-port)");

    Path proxyUid = file("uid.yaml", DEPLOYMENT.replace("      containers:",
        "      securityContext: {runAsUser: 1337}\n      containers:"));
    assertThat(execute("inject", "-f", proxyUid.toString()))
        .isEqualTo(ExitCodes.NOT_INJECTABLE);
    assertThat(err.toString()).contains(
        "spec.template.spec.containers[0].securityContext.runAsUser: 1337 (expected: not the "
            + "sidecar's UID 1337");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aMissingFileIsInvalidInputAsForApply() {
    assertThat(execute("inject", "-f", dir.resolve("nope.yaml").toString()))
        .isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(err.toString()).contains("nope.yaml: no such file (expected: a manifest file, "
        + "or '-' for standard input)");
  }

  @Test
  void aBadPortOptionIsAUsageError() throws Exception {
    Path file = file("d.yaml", DEPLOYMENT);
    assertThat(execute("inject", "-f", file.toString(), "--app-port", "70000"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("appPort: 70000 (expected: 1..65535)");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void withoutAFileItIsAUsageErrorWithHelp() {
    assertThat(execute("inject")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("Missing required option: '--filename=FILE'");
  }
}
