package dev.crossgate.cli.inject;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Adds the sidecar to one pod template: the capture init container ({@value #INIT_NAME}), the
 * sidecar as a native sidecar ({@value #SIDECAR_NAME}: an init container with
 * {@code restartPolicy: Always} whose startup probe holds the app containers back until the
 * sidecar's {@code /ready} is true), the identity and scratch volumes, and the data-plane label.
 * Anything it added before is removed first, so injecting again rebuilds the same result.
 */
final class PodTemplateInjector {

  static final String INIT_NAME = "crossgate-init";
  static final String SIDECAR_NAME = "crossgate-sidecar";
  static final String IDENTITY_VOLUME = "crossgate-identity";
  static final String TMP_VOLUME = "crossgate-tmp";
  static final String IDENTITY_PATH = "/var/run/crossgate";
  static final String DATA_PLANE_LABEL = "crossgate.dev/data-plane";
  static final String INJECT_ANNOTATION = "crossgate.dev/inject";
  static final String APP_PORT_ANNOTATION = "crossgate.dev/app-port";
  static final String SERVICE_ANNOTATION = "crossgate.dev/service";
  static final String CAPTURE_SCRIPT = "/usr/local/bin/crossgate-iptables";

  private static final Set<String> OURS = Set.of(INIT_NAME, SIDECAR_NAME);
  private static final Set<String> OUR_VOLUMES = Set.of(IDENTITY_VOLUME, TMP_VOLUME);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final SidecarSettings settings;

  PodTemplateInjector(SidecarSettings settings) {
    this.settings = requireNonNull(settings, "settings");
  }

  /** Whether the template opts out with {@code crossgate.dev/inject: "false"}. */
  static boolean optedOut(ObjectNode template) {
    return "false".equals(template.path("metadata").path("annotations")
        .path(INJECT_ANNOTATION).asText(null));
  }

  /**
   * Injects into {@code template} (changed in place).
   *
   * @param at the template's path in its document, e.g. {@code spec.template}
   * @param workloadName the workload's name, the service name when no label gives one
   */
  void inject(ObjectNode template, String at, String workloadName) throws Refusal {
    ObjectNode metadata = object(template, "metadata");
    JsonNode specNode = template.get("spec");
    if (specNode == null || !specNode.isObject()) {
      throw new Refusal(at + ".spec", describe(specNode), "a pod spec");
    }
    ObjectNode spec = (ObjectNode) specNode;
    if (spec.path("hostNetwork").asBoolean(false)) {
      throw new Refusal(at + ".spec.hostNetwork", "true",
          "false: capture would redirect the node's own traffic");
    }
    for (String list : List.of("containers", "initContainers", "volumes")) {
      JsonNode declared = spec.get(list);
      if (declared != null && !declared.isNull() && !declared.isArray()) {
        throw new Refusal(at + ".spec." + list, describe(declared), "a list");
      }
    }
    ArrayNode containers = removeOurs(spec, "containers");
    if (containers == null || containers.isEmpty()) {
      throw new Refusal(at + ".spec.containers", containers == null ? "missing" : "[]",
          "at least one app container");
    }
    checkContainers(containers, at + ".spec.containers", spec);
    int appPort = appPort(metadata, containers, at);
    String service = serviceName(metadata, workloadName);

    ArrayNode inits = removeOurs(spec, "initContainers");
    ArrayNode newInits = NODES.arrayNode();
    newInits.add(captureContainer());
    String account = spec.path("serviceAccountName").asText("default");
    newInits.add(sidecarContainer(service, appPort, account));
    if (inits != null) {
      newInits.addAll(inits);
    }
    spec.set("initContainers", newInits);

    ArrayNode volumes = NODES.arrayNode();
    JsonNode existing = spec.get("volumes");
    if (existing != null && existing.isArray()) {
      existing.forEach(volume -> {
        if (!OUR_VOLUMES.contains(volume.path("name").asText())) {
          volumes.add(volume);
        }
      });
    }
    volumes.add(emptyDir(IDENTITY_VOLUME, "Memory", "16Mi"));
    volumes.add(emptyDir(TMP_VOLUME, null, "64Mi"));
    spec.set("volumes", volumes);

    object(metadata, "labels").put(DATA_PLANE_LABEL, "true");
  }

  private static ArrayNode removeOurs(ObjectNode spec, String field) {
    JsonNode list = spec.get(field);
    if (list == null || list.isNull()) {
      return null;
    }
    ArrayNode kept = NODES.arrayNode();
    list.forEach(container -> {
      if (!OURS.contains(container.path("name").asText())) {
        kept.add(container);
      }
    });
    if (kept.isEmpty() && field.equals("initContainers")) {
      spec.remove(field);
    } else {
      spec.set(field, kept);
    }
    return kept;
  }

  private static void checkContainers(ArrayNode containers, String at, ObjectNode spec)
      throws Refusal {
    long podUid = spec.path("securityContext").path("runAsUser").asLong(-1L);
    for (int i = 0; i < containers.size(); i++) {
      JsonNode container = containers.get(i);
      if (!container.isObject() || !container.path("name").isTextual()) {
        throw new Refusal(at + "[" + i + "].name", describe(container.get("name")),
            "a container with a name");
      }
      long uid = container.path("securityContext").path("runAsUser").asLong(podUid);
      if (uid == SidecarSettings.PROXY_UID) {
        throw new Refusal(at + "[" + i + "].securityContext.runAsUser",
            String.valueOf(uid), "not the sidecar's UID " + SidecarSettings.PROXY_UID
                + ": its traffic would bypass capture");
      }
    }
  }

  private int appPort(ObjectNode metadata, ArrayNode containers, String at) throws Refusal {
    if (settings.appPort() != null) {
      return settings.appPort();
    }
    JsonNode annotation = metadata.path("annotations").get(APP_PORT_ANNOTATION);
    if (annotation != null) {
      try {
        int port = Integer.parseInt(annotation.asText());
        SidecarSettings.checkPort(APP_PORT_ANNOTATION, port);
        return port;
      } catch (IllegalArgumentException e) {
        throw new Refusal(at + ".metadata.annotations." + APP_PORT_ANNOTATION,
            annotation.asText(), "a port 1..65535");
      }
    }
    for (JsonNode container : containers) {
      for (JsonNode port : container.path("ports")) {
        String protocol = port.path("protocol").asText("TCP");
        if (port.path("containerPort").canConvertToInt() && protocol.equals("TCP")) {
          return port.path("containerPort").asInt();
        }
      }
    }
    throw new Refusal(at + ".spec.containers[*].ports", "no TCP containerPort",
        "a containerPort, the " + APP_PORT_ANNOTATION + " annotation, or --app-port");
  }

  private static String serviceName(ObjectNode metadata, String workloadName) {
    JsonNode annotation = metadata.path("annotations").get(SERVICE_ANNOTATION);
    if (annotation != null && annotation.isTextual()) {
      return annotation.asText();
    }
    JsonNode labels = metadata.path("labels");
    for (String label : List.of("app.kubernetes.io/name", "app")) {
      if (labels.path(label).isTextual()) {
        return labels.path(label).asText();
      }
    }
    return workloadName;
  }

  private ObjectNode captureContainer() {
    ObjectNode container = NODES.objectNode();
    container.put("name", INIT_NAME);
    container.put("image", settings.image());
    container.set("command", NODES.arrayNode().add(CAPTURE_SCRIPT));
    ArrayNode env = NODES.arrayNode();
    env.add(env("CROSSGATE_PROXY_UID", String.valueOf(SidecarSettings.PROXY_UID)));
    env.add(env("CROSSGATE_INBOUND_PORT", String.valueOf(SidecarSettings.INBOUND_PORT)));
    env.add(env("CROSSGATE_OUTBOUND_PORT", String.valueOf(SidecarSettings.OUTBOUND_PORT)));
    List<Integer> inbound = new ArrayList<>();
    inbound.add(SidecarSettings.ADMIN_PORT);
    settings.excludeInboundPorts().stream().filter(p -> !inbound.contains(p)).forEach(inbound::add);
    env.add(env("CROSSGATE_EXCLUDE_INBOUND_PORTS", join(inbound)));
    if (!settings.excludeOutboundPorts().isEmpty()) {
      env.add(env("CROSSGATE_EXCLUDE_OUTBOUND_PORTS", join(settings.excludeOutboundPorts())));
    }
    // iptables-legacy takes a lock file; the root filesystem is read-only.
    env.add(env("XTABLES_LOCKFILE", "/tmp/xtables.lock"));
    container.set("env", env);
    ObjectNode security = NODES.objectNode();
    security.put("runAsUser", 0);
    security.put("runAsGroup", 0);
    security.put("runAsNonRoot", false);
    security.put("allowPrivilegeEscalation", false);
    security.put("privileged", false);
    security.put("readOnlyRootFilesystem", true);
    ObjectNode capabilities = security.putObject("capabilities");
    capabilities.putArray("drop").add("ALL");
    capabilities.putArray("add").add("NET_ADMIN").add("NET_RAW");
    container.set("securityContext", security);
    container.set("resources", resources("10m", "16Mi", "32Mi"));
    container.set("volumeMounts", NODES.arrayNode().add(mount(TMP_VOLUME, "/tmp")));
    return container;
  }

  private ObjectNode sidecarContainer(String service, int appPort, String serviceAccount) {
    ObjectNode container = NODES.objectNode();
    container.put("name", SIDECAR_NAME);
    container.put("image", settings.image());
    // A native sidecar: started before the app containers, stopped after them.
    container.put("restartPolicy", "Always");
    container.set("args", NODES.arrayNode()
        .add("sidecar")
        .add("--service=" + service)
        .add("--namespace=$(CROSSGATE_NAMESPACE)")
        .add("--app-port=" + appPort)
        .add("--control-plane=" + settings.controlPlane())
        .add("--join-token=$(CROSSGATE_JOIN_TOKEN)")
        // Registered with the engine as this pod's mesh endpoint: the pod IP, explicitly (the
        // sidecar's own guess, the first non-loopback address, can be the wrong interface).
        .add("--advertise-address=$(POD_IP)")
        .add("--admin-address=0.0.0.0"));
    ArrayNode env = NODES.arrayNode();
    ObjectNode namespace = env.addObject();
    namespace.put("name", "CROSSGATE_NAMESPACE");
    namespace.putObject("valueFrom").putObject("fieldRef").put("fieldPath", "metadata.namespace");
    ObjectNode token = env.addObject();
    token.put("name", "CROSSGATE_JOIN_TOKEN");
    ObjectNode secretRef = token.putObject("valueFrom").putObject("secretKeyRef");
    secretRef.put("name",
        settings.joinTokenSecret().replace(SidecarSettings.SERVICE_ACCOUNT, serviceAccount));
    secretRef.put("key", SidecarSettings.JOIN_TOKEN_KEY);
    ObjectNode podIp = env.addObject();
    podIp.put("name", "POD_IP");
    podIp.putObject("valueFrom").putObject("fieldRef").put("fieldPath", "status.podIP");
    container.set("env", env);
    ArrayNode ports = NODES.arrayNode();
    ports.add(port("crossgate-in", SidecarSettings.INBOUND_PORT));
    ports.add(port("crossgate-admin", SidecarSettings.ADMIN_PORT));
    container.set("ports", ports);
    // The app containers start only once this passes: a certificate and a snapshot are there.
    container.set("startupProbe", probe(SidecarSettings.READY_PATH, 1, 120));
    container.set("readinessProbe", probe(SidecarSettings.READY_PATH, 2, 3));
    container.set("livenessProbe", probe(SidecarSettings.LIVE_PATH, 10, 3));
    ObjectNode security = NODES.objectNode();
    security.put("runAsUser", SidecarSettings.PROXY_UID);
    security.put("runAsGroup", SidecarSettings.PROXY_UID);
    security.put("runAsNonRoot", true);
    security.put("allowPrivilegeEscalation", false);
    security.put("readOnlyRootFilesystem", true);
    security.putObject("capabilities").putArray("drop").add("ALL");
    security.putObject("seccompProfile").put("type", "RuntimeDefault");
    container.set("securityContext", security);
    container.set("resources", resources("50m", "64Mi", "128Mi"));
    container.put("workingDir", IDENTITY_PATH);
    ArrayNode mounts = NODES.arrayNode();
    mounts.add(mount(IDENTITY_VOLUME, IDENTITY_PATH));
    mounts.add(mount(TMP_VOLUME, "/tmp"));
    container.set("volumeMounts", mounts);
    return container;
  }

  private static ObjectNode probe(String path, int period, int failures) {
    ObjectNode probe = NODES.objectNode();
    ObjectNode get = probe.putObject("httpGet");
    get.put("path", path);
    get.put("port", SidecarSettings.ADMIN_PORT);
    probe.put("periodSeconds", period);
    probe.put("failureThreshold", failures);
    return probe;
  }

  private static ObjectNode port(String name, int number) {
    ObjectNode port = NODES.objectNode();
    port.put("name", name);
    port.put("containerPort", number);
    return port;
  }

  private static ObjectNode env(String name, String value) {
    ObjectNode env = NODES.objectNode();
    env.put("name", name);
    env.put("value", value);
    return env;
  }

  private static ObjectNode mount(String name, String path) {
    ObjectNode mount = NODES.objectNode();
    mount.put("name", name);
    mount.put("mountPath", path);
    return mount;
  }

  private static ObjectNode emptyDir(String name, String medium, String size) {
    ObjectNode volume = NODES.objectNode();
    volume.put("name", name);
    ObjectNode dir = volume.putObject("emptyDir");
    if (medium != null) {
      dir.put("medium", medium);
    }
    dir.put("sizeLimit", size);
    return volume;
  }

  private static ObjectNode resources(String cpu, String memory, String memoryLimit) {
    ObjectNode resources = NODES.objectNode();
    ObjectNode requests = resources.putObject("requests");
    requests.put("cpu", cpu);
    requests.put("memory", memory);
    resources.putObject("limits").put("memory", memoryLimit);
    return resources;
  }

  private static ObjectNode object(ObjectNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node instanceof ObjectNode object) {
      return object;
    }
    return parent.putObject(field);
  }

  private static String join(List<Integer> ports) {
    return ports.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "missing";
    }
    return node.isValueNode() ? node.asText() : node.getNodeType().name().toLowerCase(
        java.util.Locale.ROOT);
  }

  /** A template that cannot carry the sidecar: where, what was found, what was expected. */
  static final class Refusal extends Exception {

    private static final long serialVersionUID = 1L;

    Refusal(String path, String value, String expected) {
      super(path + ": " + value + " (expected: " + expected + ")");
    }
  }
}
