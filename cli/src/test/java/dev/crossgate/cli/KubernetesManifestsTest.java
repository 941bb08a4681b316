package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossgate.cli.RenderedManifests.Workload;
import dev.crossgate.cli.inject.CrossgateImages;
import dev.crossgate.cli.inject.SidecarSettings;
import dev.crossgate.gateway.GatewayOptions;
import dev.crossgate.gateway.GatewayServer;
import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import dev.crossgate.policy.server.store.InfinispanOptions;
import dev.crossgate.policy.server.store.JGroupsStacks;
import dev.crossgate.routing.upstream.UpstreamClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Renders every kustomization under {@code k8s/} with {@code kubectl kustomize} and checks the
 * result against the code: images, the ports and probes each role really listens on (parsed
 * through the real commands, and served by real servers), the JGroups stack the engines
 * cluster with, the sidecar constants, and the security settings of every pod.
 */
class KubernetesManifestsTest {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Z_][A-Z0-9_]*)\\)");
  private static final Set<String> CROSSGATE_IMAGES = Set.of(CrossgateImages.GATEWAY,
      CrossgateImages.POLICY_ENGINE, CrossgateImages.SIDECAR);

  private static final Map<Path, RenderedManifests> RENDERED = new HashMap<>();
  private static RenderedManifests production;

  @BeforeAll
  static void renderEveryKustomization() throws Exception {
    for (Path directory : RenderedManifests.kustomizations()) {
      RENDERED.put(directory, RenderedManifests.render(directory));
    }
    production = RENDERED.get(RenderedManifests.repositoryRoot()
        .resolve("k8s/overlays/production"));
  }

  @Test
  void thereIsABasePerComponentAndAnOverlayThatHasThemAll() {
    Path k8s = RenderedManifests.repositoryRoot().resolve("k8s");
    assertThat(RENDERED.keySet()).contains(k8s.resolve("base/policy-engine"),
        k8s.resolve("base/gateway"), k8s.resolve("base/example-app"),
        k8s.resolve("overlays/production"));
    assertThat(production.find("StatefulSet", "policy-engine")).isPresent();
    assertThat(production.find("Deployment", "gateway")).isPresent();
    assertThat(production.find("Deployment", "reviews")).isPresent();
    assertThat(production.ofKind("Namespace")).extracting(ns -> ns.path("metadata")
        .path("name").asText()).containsExactlyInAnyOrder("crossgate", "shop");
  }

  @Test
  void everyCrossgateImageIsOneThisVersionBuilds() {
    for (RenderedManifests rendered : RENDERED.values()) {
      for (Workload workload : rendered.workloads()) {
        for (JsonNode container : workload.allContainers()) {
          String image = container.path("image").asText();
          if (image.startsWith("crossgate/")) {
            assertThat(CROSSGATE_IMAGES).as("%s in %s", image, rendered.directory())
                .contains(image);
          }
        }
      }
    }
    assertThat(container("StatefulSet", "policy-engine", "policy-engine").path("image")
        .asText()).isEqualTo(CrossgateImages.POLICY_ENGINE);
    assertThat(container("Deployment", "gateway", "gateway").path("image").asText())
        .isEqualTo(CrossgateImages.GATEWAY);
    assertThat(container("Deployment", "reviews", "crossgate-sidecar").path("image").asText())
        .isEqualTo(CrossgateImages.SIDECAR);
  }

  @Test
  void policyEngineArgumentsPortsAndProbesMatchTheEngine() {
    JsonNode engine = container("StatefulSet", "policy-engine", "policy-engine");
    PolicyEngineCommand command = (PolicyEngineCommand) parse(engine, "crossgate");

    assertThat(command.apiPort).isEqualTo(PolicyServerOptions.DEFAULT_API_PORT)
        .isEqualTo(RenderedManifests.namedPort(engine, "api"));
    assertThat(command.distributionPort).isEqualTo(PolicyServerOptions.DEFAULT_DISTRIBUTION_PORT)
        .isEqualTo(RenderedManifests.namedPort(engine, "distribution"));
    assertThat(command.apiAddress).isEqualTo("0.0.0.0");
    assertThat(command.nodeName).isEqualTo("pod-name");
    assertThat(command.clusterAddress).isEqualTo("10.1.2.3");
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      JsonNode get = engine.path(probe).path("httpGet");
      assertThat(RenderedManifests.port(engine, get.path("port"))).as(probe)
          .isEqualTo(command.apiPort);
      assertThat(get.path("path").asText()).as(probe).isEqualTo("/api/v1/schemas");
    }
    assertThat(mountPath(engine, "data")).isEqualTo(command.dataDir.toString());
    JsonNode statefulSet = production.find("StatefulSet", "policy-engine").orElseThrow();
    assertThat(statefulSet.path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(statefulSet.path("spec").path("volumeClaimTemplates").get(0).path("metadata")
        .path("name").asText()).isEqualTo("data");
  }

  @Test
  void jgroupsSettingsMatchTheEnginesKubernetesStack() {
    JsonNode engine = container("StatefulSet", "policy-engine", "policy-engine");
    PolicyEngineCommand command = (PolicyEngineCommand) parse(engine, "crossgate");
    String stack = JGroupsStacks.load(command.cluster);
    assertThat(stack).isEqualTo(JGroupsStacks.load(InfinispanOptions.KUBERNETES_STACK))
        .contains("<dns.DNS_PING dns_query=\"${" + PolicyServerOptions.DNS_QUERY + "}\"");
    assertThat(stackDefault(stack, "crossgate.jgroups.dns_record_type")).isEqualTo("A");
    assertThat(stackDefault(stack, "crossgate.jgroups.bind_addr")).isEqualTo("SITE_LOCAL");

    int bindPort = command.clusterPort != null ? command.clusterPort
        : Integer.parseInt(stackDefault(stack, PolicyServerOptions.BIND_PORT));
    int fdOffset = command.clusterFdOffset != null ? command.clusterFdOffset
        : Integer.parseInt(stackDefault(stack, PolicyServerOptions.FD_OFFSET));
    assertThat(RenderedManifests.namedPort(engine, "jgroups")).isEqualTo(bindPort);
    assertThat(RenderedManifests.namedPort(engine, "jgroups-fd")).isEqualTo(bindPort + fdOffset);

    // DNS_PING asks the headless Service, which lists every engine pod, ready or not.
    JsonNode statefulSet = production.find("StatefulSet", "policy-engine").orElseThrow();
    String serviceName = statefulSet.path("spec").path("serviceName").asText();
    String namespace = statefulSet.path("metadata").path("namespace").asText();
    assertThat(command.clusterDnsQuery)
        .isEqualTo(serviceName + "." + namespace + ".svc.cluster.local");
    JsonNode headless = production.find("Service", serviceName).orElseThrow();
    assertThat(headless.path("spec").path("clusterIP").asText()).isEqualTo("None");
    assertThat(headless.path("spec").path("publishNotReadyAddresses").asBoolean()).isTrue();
    assertSelects(headless.path("spec").path("selector"), statefulSet);
    assertThat(servicePorts(headless)).contains(bindPort);

    // The NetworkPolicy lets engines reach each other on both JGroups ports.
    JsonNode policy = production.find("NetworkPolicy", "policy-engine").orElseThrow();
    assertThat(policyPorts(policy.path("spec").path("ingress")))
        .contains(bindPort, bindPort + fdOffset, command.distributionPort, command.apiPort);
    assertThat(policyPorts(policy.path("spec").path("egress")))
        .contains(bindPort, bindPort + fdOffset, 53);
  }

  @Test
  void gatewayArgumentsPortsAndProbesMatchTheGateway() {
    JsonNode gateway = container("Deployment", "gateway", "gateway");
    GatewayCommand command = (GatewayCommand) parse(gateway, "crossgate");

    assertThat(command.port).isEqualTo(RenderedManifests.namedPort(gateway, "http"));
    assertThat(command.adminPort).isEqualTo(RenderedManifests.namedPort(gateway, "admin"));
    assertThat(command.address).isEqualTo("0.0.0.0");
    assertThat(command.adminAddress).isEqualTo("0.0.0.0");
    assertThat(gateway.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/ready");
    assertThat(gateway.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/live");
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      assertThat(RenderedManifests.port(gateway, gateway.path(probe).path("httpGet")
          .path("port"))).as(probe).isEqualTo(command.adminPort);
    }
    assertThat(mountPath(gateway, "state")).isEqualTo(command.stateDir.toString());

    // --control-plane names the engine Service's distribution port.
    assertThat(command.controlPlane).isEqualTo(engineDistributionAddress());

    JsonNode service = production.find("Service", "gateway").orElseThrow();
    assertThat(service.path("spec").path("type").asText()).isEqualTo("LoadBalancer");
    assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText())
        .isEqualTo("http");
    JsonNode deployment = production.find("Deployment", "gateway").orElseThrow();
    assertSelects(service.path("spec").path("selector"), deployment);
    JsonNode budget = production.find("PodDisruptionBudget", "gateway").orElseThrow();
    assertSelects(budget.path("spec").path("selector").path("matchLabels"), deployment);
    JsonNode autoscaler = production.find("HorizontalPodAutoscaler", "gateway").orElseThrow();
    assertThat(autoscaler.path("spec").path("scaleTargetRef").path("name").asText())
        .isEqualTo("gateway");
    assertThat(gateway.path("resources").path("requests").path("cpu").isMissingNode())
        .as("the autoscaler needs a CPU request").isFalse();
  }

  @Test
  void injectedSidecarsMatchTheSidecarDefaultsAndTheCaptureScript() throws Exception {
    for (String app : List.of("reviews", "ratings")) {
      JsonNode sidecar = container("Deployment", app, "crossgate-sidecar");
      assertThat(sidecar.path("restartPolicy").asText()).isEqualTo("Always");
      assertThat(RenderedManifests.namedPort(sidecar, "crossgate-in"))
          .isEqualTo(SidecarSettings.INBOUND_PORT).isEqualTo(4143);
      assertThat(RenderedManifests.namedPort(sidecar, "crossgate-admin"))
          .isEqualTo(SidecarSettings.ADMIN_PORT).isEqualTo(4191);
      assertThat(sidecar.path("startupProbe").path("httpGet").path("path").asText())
          .isEqualTo("/ready");
      assertThat(sidecar.path("readinessProbe").path("httpGet").path("path").asText())
          .isEqualTo("/ready");
      assertThat(sidecar.path("livenessProbe").path("httpGet").path("path").asText())
          .isEqualTo("/live");
      assertThat(sidecar.path("startupProbe").path("httpGet").path("port").asInt())
          .isEqualTo(4191);
      assertThat(sidecar.path("securityContext").path("runAsUser").asInt())
          .isEqualTo(SidecarSettings.PROXY_UID);
      String account = production.find("Deployment", app).orElseThrow().path("spec")
          .path("template").path("spec").path("serviceAccountName").asText();
      assertThat(sidecar.path("env").get(1).path("valueFrom").path("secretKeyRef").path("name")
          .asText()).isEqualTo("crossgate-join-" + account);
      List<String> args = substitute(sidecar, "shop");
      assertThat(args).contains("--service=" + app, "--namespace=shop",
          "--control-plane=" + engineDistributionAddress(), "--app-port=8080");

      JsonNode init = container("Deployment", app, "crossgate-init");
      Map<String, String> env = env(init);
      String script = Files.readString(RenderedManifests.repositoryRoot()
          .resolve("k8s/scripts/crossgate-iptables.sh"), StandardCharsets.UTF_8);
      assertThat(env).containsEntry("CROSSGATE_PROXY_UID", "1337")
          .containsEntry("CROSSGATE_INBOUND_PORT", "4143")
          .containsEntry("CROSSGATE_OUTBOUND_PORT", "4140")
          .containsEntry("CROSSGATE_EXCLUDE_INBOUND_PORTS", "4191");
      assertThat(script).contains("proxy_uid=\"${CROSSGATE_PROXY_UID:-1337}\"",
          "inbound_port=\"${CROSSGATE_INBOUND_PORT:-4143}\"",
          "outbound_port=\"${CROSSGATE_OUTBOUND_PORT:-4140}\"",
          "exclude_in=\"${CROSSGATE_EXCLUDE_INBOUND_PORTS-4191}\"");
      assertThat(init.path("command").get(0).asText())
          .isEqualTo("/usr/local/bin/crossgate-iptables");
    }
    String dockerfile = Files.readString(RenderedManifests.repositoryRoot()
        .resolve("k8s/docker/sidecar.Dockerfile"), StandardCharsets.UTF_8);
    assertThat(dockerfile).contains("COPY k8s/scripts/crossgate-iptables.sh "
        + "/usr/local/bin/crossgate-iptables", "USER 1337:1337", "EXPOSE 4140 4143 4191");
  }

  @Test
  void theDockerfilesRunTheLauncherAsANumericNonRootUserWithTheRightPorts() throws Exception {
    Path docker = RenderedManifests.repositoryRoot().resolve("k8s/docker");
    Map<String, String> expose = Map.of("gateway", "EXPOSE 8080 9901",
        "policy-engine", "EXPOSE 9080 9081 7800 57800", "sidecar", "EXPOSE 4140 4143 4191");
    for (var entry : expose.entrySet()) {
      String text = Files.readString(docker.resolve(entry.getKey() + ".Dockerfile"));
      assertThat(text).as(entry.getKey()).contains(entry.getValue(),
          "ENTRYPOINT [\"/opt/crossgate/crossgate\"]",
          "COPY --from=build /src/cli/target/crossgate.jar /opt/crossgate/cli/target/crossgate.jar",
          "COPY --from=build /src/cli/target/lib/ /opt/crossgate/cli/target/lib/",
          "ENV CROSSGATE_NO_BUILD=1")
          .containsPattern("(?m)^USER [1-9][0-9]*:[1-9][0-9]*$");
    }
  }

  @Test
  void everyPodIsNonRootReadOnlyAndDropsEveryCapability() {
    for (RenderedManifests rendered : RENDERED.values()) {
      for (Workload workload : rendered.workloads()) {
        JsonNode podSecurity = workload.spec().path("securityContext");
        assertThat(workload.spec().path("automountServiceAccountToken").asBoolean(true))
            .as("%s mounts a token", workload.name()).isFalse();
        for (JsonNode container : workload.allContainers()) {
          String what = workload.name() + " container " + container.path("name").asText();
          JsonNode security = container.path("securityContext");
          assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(what).isTrue();
          assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(what)
              .isFalse();
          assertThat(security.path("capabilities").path("drop").toString()).as(what)
              .isEqualTo("[\"ALL\"]");
          boolean capture = container.path("name").asText().equals("crossgate-init");
          if (capture) {
            assertThat(security.path("capabilities").path("add").toString()).as(what)
                .isEqualTo("[\"NET_ADMIN\",\"NET_RAW\"]");
            assertThat(security.path("privileged").asBoolean(true)).as(what).isFalse();
          } else {
            assertThat(security.path("capabilities").has("add")).as(what).isFalse();
            boolean nonRoot = security.path("runAsNonRoot")
                .asBoolean(podSecurity.path("runAsNonRoot").asBoolean(false));
            long uid = security.path("runAsUser").asLong(podSecurity.path("runAsUser")
                .asLong(-1));
            assertThat(nonRoot).as(what).isTrue();
            assertThat(uid).as(what).isNotZero();
          }
        }
      }
    }
  }

  @Test
  void noComponentIsGrantedKubernetesApiAccess() {
    for (RenderedManifests rendered : RENDERED.values()) {
      assertThat(rendered.ofKind("Role")).isEmpty();
      assertThat(rendered.ofKind("ClusterRole")).isEmpty();
      assertThat(rendered.ofKind("RoleBinding")).isEmpty();
      assertThat(rendered.ofKind("ClusterRoleBinding")).isEmpty();
      for (JsonNode account : rendered.ofKind("ServiceAccount")) {
        assertThat(account.path("automountServiceAccountToken").asBoolean(true))
            .as(account.path("metadata").path("name").asText()).isFalse();
      }
      for (Workload workload : rendered.workloads()) {
        String account = workload.spec().path("serviceAccountName").asText();
        assertThat(rendered.find("ServiceAccount", account)).as(workload.name()).isPresent();
      }
    }
  }

  @Test
  void everyVariableAnArgumentUsesIsDefinedInItsContainer() {
    for (RenderedManifests rendered : RENDERED.values()) {
      for (Workload workload : rendered.workloads()) {
        for (JsonNode container : workload.allContainers()) {
          Set<String> defined = env(container).keySet();
          for (JsonNode arg : container.path("args")) {
            Matcher matcher = VARIABLE.matcher(arg.asText());
            while (matcher.find()) {
              assertThat(defined).as("%s %s: %s", workload.name(),
                  container.path("name").asText(), arg.asText()).contains(matcher.group(1));
            }
          }
        }
      }
    }
  }

  @Test
  void theExampleAppIsTheInjectCommandsOutputOfThePlainManifest() throws Exception {
    Path root = RenderedManifests.repositoryRoot();
    String injected = Files.readString(root.resolve("k8s/base/example-app/shop.yaml"));
    var out = new java.io.StringWriter();
    var err = new java.io.StringWriter();
    CommandLine commandLine = CrossgateCommand.commandLine();
    commandLine.setOut(new java.io.PrintWriter(out, true));
    commandLine.setErr(new java.io.PrintWriter(err, true));
    int code = commandLine.execute("inject", "-f",
        root.resolve("k8s/examples/shop.yaml").toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(injected.substring(injected.indexOf('\n') + 1)).isEqualTo(out.toString());
  }

  @Test
  void theEngineServesItsProbePathWithoutAToken(@TempDir Path data) throws Exception {
    JsonNode engine = container("StatefulSet", "policy-engine", "policy-engine");
    String path = engine.path("readinessProbe").path("httpGet").path("path").asText();
    try (PolicyServer server = PolicyServer.start(PolicyServerOptions.defaults(data)
        .withApi("127.0.0.1", 0).withDistributionPort(0))) {
      assertThat(get(server.apiPort(), path)).isEqualTo(200);
    }
  }

  @Test
  void theGatewayAdminServesTheProbePaths() throws Exception {
    JsonNode gateway = container("Deployment", "gateway", "gateway");
    Path config = RenderedManifests.repositoryRoot().resolve("config-examples/basic-routing.yaml");
    GatewayOptions options = new GatewayOptions(List.of(config), null, "127.0.0.1", "127.0.0.1",
        0, Map.of(GatewayOptions.ANY_LISTENER, 0), Duration.ofSeconds(1), 1,
        UpstreamClient.Settings.defaults(), null, null, null, null);
    GatewayServer server = GatewayServer.start(options);
    try {
      for (String probe : List.of("readinessProbe", "livenessProbe")) {
        String path = gateway.path(probe).path("httpGet").path("path").asText();
        assertThat(get(server.adminPort(), path)).as(probe).isEqualTo(200);
      }
    } finally {
      server.close();
    }
  }

  // ---- helpers ----

  private static int get(int port, String path) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String engineDistributionAddress() {
    JsonNode service = production.find("Service", "policy-engine").orElseThrow();
    int port = 0;
    for (JsonNode p : service.path("spec").path("ports")) {
      if (p.path("name").asText().equals("distribution")) {
        port = p.path("port").asInt();
      }
    }
    return "policy-engine." + service.path("metadata").path("namespace").asText()
        + ".svc.cluster.local:" + port;
  }

  private static JsonNode container(String kind, String workload, String name) {
    JsonNode document = production.find(kind, workload).orElseThrow();
    return production.workloads().stream().filter(w -> w.document() == document).findFirst()
        .orElseThrow().container(name);
  }

  /** The container's args with Kubernetes' {@code $(VAR)} references filled in. */
  private static List<String> substitute(JsonNode container, String namespace) {
    Map<String, String> values = Map.of("POD_NAME", "pod-name", "POD_IP", "10.1.2.3",
        "POD_NAMESPACE", namespace, "CROSSGATE_NAMESPACE", namespace,
        "CROSSGATE_JOIN_TOKEN", "token");
    List<String> args = new ArrayList<>();
    for (JsonNode arg : container.path("args")) {
      Matcher matcher = VARIABLE.matcher(arg.asText());
      StringBuilder out = new StringBuilder();
      while (matcher.find()) {
        matcher.appendReplacement(out, Matcher.quoteReplacement(values.get(matcher.group(1))));
      }
      matcher.appendTail(out);
      args.add(out.toString());
    }
    return args;
  }

  /** Parses the container's args with the real {@code crossgate} command line. */
  private static Object parse(JsonNode container, String namespace) {
    CommandLine.ParseResult result = CrossgateCommand.commandLine()
        .parseArgs(substitute(container, namespace).toArray(String[]::new));
    return result.subcommand().commandSpec().userObject();
  }

  private static Map<String, String> env(JsonNode container) {
    Map<String, String> env = new HashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(),
        e.path("value").asText(null)));
    return env;
  }

  private static String mountPath(JsonNode container, String volume) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("name").asText().equals(volume)) {
        return mount.path("mountPath").asText();
      }
    }
    throw new AssertionError(container.path("name").asText() + ": no mount of " + volume);
  }

  private static String stackDefault(String stack, String variable) {
    Matcher matcher = Pattern.compile("\\$\\{" + Pattern.quote(variable) + ":([^}]*)}")
        .matcher(stack);
    assertThat(matcher.find()).as("default of %s in the stack", variable).isTrue();
    return matcher.group(1);
  }

  private static void assertSelects(JsonNode selector, JsonNode workload) {
    JsonNode labels = workload.path("spec").path("template").path("metadata").path("labels");
    assertThat(selector.size()).isPositive();
    selector.fields().forEachRemaining(entry ->
        assertThat(labels.path(entry.getKey()).asText()).as(entry.getKey())
            .isEqualTo(entry.getValue().asText()));
  }

  private static Set<Integer> servicePorts(JsonNode service) {
    Set<Integer> ports = new HashSet<>();
    service.path("spec").path("ports").forEach(p -> ports.add(p.path("port").asInt()));
    return ports;
  }

  private static Set<Integer> policyPorts(JsonNode rules) {
    Set<Integer> ports = new HashSet<>();
    rules.forEach(rule -> rule.path("ports").forEach(p -> ports.add(p.path("port").asInt())));
    return ports;
  }
}
