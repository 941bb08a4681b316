package dev.crossgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The init container's capture script ({@code k8s/scripts/crossgate-iptables.sh}) for real: two
 * network namespaces joined by a veth pair stand for a pod and another host; the script runs in
 * the pod's namespace, and stand-in listeners answer with their own names, so each check sees
 * where a connection really landed. Needs root, {@code ip} (iproute2), {@code iptables} and
 * {@code setpriv} (util-linux).
 */
class CaptureRulesNetnsTest {

  private static final String POD_IP = "10.213.7.1";
  private static final String PEER_IP = "10.213.7.2";
  private static final int PROXY_UID = 1337;
  private static final int APP_UID = 1000;

  private static final String SUFFIX = Long.toString(ProcessHandle.current().pid(), 36);
  private static final String POD = "cgcap-pod-" + SUFFIX;
  private static final String PEER = "cgcap-peer-" + SUFFIX;

  private static final List<Process> LISTENERS = new ArrayList<>();

  @BeforeAll
  static void twoHosts() throws Exception {
    run("ip", "netns", "add", POD);
    run("ip", "netns", "add", PEER);
    String vethPod = "cgp" + SUFFIX;
    String vethPeer = "cgq" + SUFFIX;
    run("ip", "link", "add", vethPod, "type", "veth", "peer", "name", vethPeer);
    run("ip", "link", "set", vethPod, "netns", POD);
    run("ip", "link", "set", vethPeer, "netns", PEER);
    run("ip", "-n", POD, "addr", "add", POD_IP + "/30", "dev", vethPod);
    run("ip", "-n", PEER, "addr", "add", PEER_IP + "/30", "dev", vethPeer);
    for (String[] nsDev : new String[][] {{POD, vethPod}, {PEER, vethPeer}}) {
      run("ip", "-n", nsDev[0], "link", "set", "lo", "up");
      run("ip", "-n", nsDev[0], "link", "set", nsDev[1], "up");
    }
    // The pod: the sidecar's inbound, outbound and admin listeners, and the app on 9080.
    listen(POD, "4143=sidecar-inbound", "4140=sidecar-outbound", "4191=sidecar-admin",
        "9080=app", "5432=pod-db");
    // The other host: a service the app (and the sidecar) call.
    listen(PEER, "8000=remote-service", "5432=remote-db");
    capture(Map.of("CROSSGATE_EXCLUDE_OUTBOUND_PORTS", "5432"));
  }

  @AfterAll
  static void tearDown() throws Exception {
    for (Process listener : LISTENERS) {
      listener.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    runQuietly("ip", "netns", "del", POD);
    runQuietly("ip", "netns", "del", PEER);
  }

  @Test
  void inboundConnectionToTheAppPortLandsOnTheSidecarInboundListener() throws Exception {
    assertThat(connect(PEER, 0, POD_IP, 9080)).isEqualTo("sidecar-inbound");
  }

  @Test
  void inboundToTheAdminPortIsNotCapturedSoProbesReachTheSidecarAdmin() throws Exception {
    assertThat(connect(PEER, 0, POD_IP, 4191)).isEqualTo("sidecar-admin");
  }

  @Test
  void inboundToTheSidecarInboundPortItselfStaysThere() throws Exception {
    assertThat(connect(PEER, 0, POD_IP, 4143)).isEqualTo("sidecar-inbound");
  }

  @Test
  void appOutboundConnectionLandsOnTheSidecarOutboundListener() throws Exception {
    assertThat(connect(POD, APP_UID, PEER_IP, 8000)).isEqualTo("sidecar-outbound");
  }

  @Test
  void theSidecarsOwnOutboundTrafficIsNotCaptured() throws Exception {
    assertThat(connect(POD, PROXY_UID, PEER_IP, 8000)).isEqualTo("remote-service");
  }

  @Test
  void loopbackTrafficIsNotCaptured() throws Exception {
    // The sidecar forwarding inbound traffic to the app, or the app calling itself.
    assertThat(connect(POD, APP_UID, "127.0.0.1", 9080)).isEqualTo("app");
    assertThat(connect(POD, APP_UID, POD_IP, 9080)).isEqualTo("app");
  }

  @Test
  void excludedOutboundPortsAreNotCaptured() throws Exception {
    assertThat(connect(POD, APP_UID, PEER_IP, 5432)).isEqualTo("remote-db");
  }

  @Test
  void runningTheScriptAgainChangesNothing() throws Exception {
    String before = natRules();
    capture(Map.of("CROSSGATE_EXCLUDE_OUTBOUND_PORTS", "5432"));
    capture(Map.of("CROSSGATE_EXCLUDE_OUTBOUND_PORTS", "5432"));
    assertThat(natRules()).isEqualTo(before)
        .contains("-A PREROUTING -p tcp -j CROSSGATE_INBOUND")
        .contains("-A CROSSGATE_OUTPUT -m owner --uid-owner 1337 -j RETURN");
    assertThat(before.lines().filter(line -> line.contains("-j CROSSGATE_")).count())
        .isEqualTo(2);
  }

  @Test
  void anInvalidSettingIsRefusedBeforeAnyRuleChanges() throws Exception {
    String before = natRules();
    Result result = exec(Map.of("CROSSGATE_EXCLUDE_INBOUND_PORTS", "4191,70000"),
        "ip", "netns", "exec", POD, script().toString());
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.output())
        .contains("CROSSGATE_EXCLUDE_INBOUND_PORTS: '70000' (expected: a port 1..65535)");
    assertThat(natRules()).isEqualTo(before);
  }

  // ---- helpers ----

  private static Path script() {
    return CrossgateProcess.repositoryRoot().resolve("k8s/scripts/crossgate-iptables.sh");
  }

  private static void capture(Map<String, String> env) throws Exception {
    Result result = exec(env, "ip", "netns", "exec", POD, script().toString());
    assertThat(result.code()).as(result.output()).isZero();
  }

  private static String natRules() throws Exception {
    Result result = exec(Map.of(), "ip", "netns", "exec", POD, "iptables-save", "-t", "nat");
    assertThat(result.code()).as(result.output()).isZero();
    return result.output().lines().filter(line -> !line.startsWith("#"))
        .map(line -> line.replaceAll("\\[\\d+:\\d+]", ""))
        .reduce("", (a, b) -> a + b + "\n");
  }

  /** Connects from {@code namespace} as {@code uid} and returns the first line answered. */
  private static String connect(String namespace, int uid, String host, int port)
      throws Exception {
    Result result = exec(Map.of(), "ip", "netns", "exec", namespace,
        "setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
        "timeout", "10", "bash", "-c",
        "exec 3<>/dev/tcp/" + host + "/" + port + " && head -n 1 <&3");
    assertThat(result.code()).as("connect %s:%d from %s as uid %d: %s", host, port, namespace,
        uid, result.output()).isZero();
    return result.output().strip();
  }

  private static void listen(String namespace, String... portTags) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String classes = Path.of(TaggedListener.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI()).toString();
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, java,
        "-Xmx32m", "-cp", classes, TaggedListener.class.getName()));
    command.addAll(List.of(portTags));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    LISTENERS.add(process);
    BufferedReader reader = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    // readLine returns when the listener has bound every port, or null if it died.
    String line = reader.readLine();
    assertThat(line).as("listener in %s", namespace).isEqualTo("listening");
  }

  private static void run(String... command) throws Exception {
    Result result = exec(Map.of(), command);
    assertThat(result.code()).as("%s: %s", String.join(" ", command), result.output()).isZero();
  }

  private static void runQuietly(String... command) throws Exception {
    exec(Map.of(), command);
  }

  private static Result exec(Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + ": did not finish in 30 s");
    }
    return new Result(process.exitValue(), output);
  }

  private record Result(int code, String output) {}
}
