package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every policy API command through {@link CrossgateCommand#commandLine()} against a real
 * policy engine on a free port. Tests share the engine, so each works in its own namespace.
 */
class PolicyApiCommandsTest {

  @TempDir
  static Path data;

  private static PolicyServer server;
  private static String url;
  private static String token;

  @TempDir
  Path files;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startEngine() throws Exception {
    server = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0));
    url = "http://127.0.0.1:" + server.apiPort();
    token = Files.readString(data.resolve("tokens").resolve("admin.token")).strip();
  }

  @AfterAll
  static void stopEngine() {
    server.close();
  }

  private int execute(String... args) {
    var commandLine = CrossgateCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  /** Runs a command against the engine with the right server and token. */
  private int api(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", url, "--token", token));
    return execute(all.toArray(String[]::new));
  }

  private void reset() {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
  }

  private Path write(String name, String text) throws Exception {
    Path file = files.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  static String service(String namespace, String name, int port) {
    return """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: %s
          namespace: %s
          labels:
            team: web
        spec:
          endpoints:
            - address: 127.0.0.1
              port: %d
        """.formatted(name, namespace, port);
  }

  static String route(String namespace, String name, String backend) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: %s
          namespace: %s
        spec:
          hostnames: [%s.%s.example.com]
          rules:
            - backendRefs:
                - name: %s
        """.formatted(name, namespace, name, namespace, backend);
  }

  private long currentRevision() {
    reset();
    assertThat(api("status", "-o", "json")).isZero();
    String json = out.toString();
    reset();
    return Long.parseLong(json.replaceAll("(?s).*?\"number\"\\s*:\\s*(\\d+).*", "$1"));
  }

  // ---- apply

  @Test
  void applyFilesAndFoldersPrintsTheRevisionAndCounts() throws Exception {
    Path svc = write("svc.yaml", service("apply", "users", 9001));
    write("more/routes/users.yaml", route("apply", "users", "users"));
    write("more/notes.txt", "not policy");

    int code = api("apply", "-f", svc.toString(), "-f", files.resolve("more").toString(),
        "-m", "first routes");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("revision \\d+ applied: 2 created, 0 updated, 0 deleted")
        .contains("added    HTTPRoute apply/users").contains("added    Service apply/users");

    reset();
    assertThat(api("apply", "-f", svc.toString())).isZero();
    assertThat(out.toString()).containsPattern("no changes; the current revision is still \\d+");

    reset();
    assertThat(api("history", "--limit", "5")).isZero();
    assertThat(out.toString()).contains("REVISION").contains("AUTHOR").contains("admin")
        .contains("+2 ~0 -0").contains("first routes");
  }

  @Test
  void applyReadsStdin() throws Exception {
    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream(service("stdin", "cart", 9002)
          .getBytes(StandardCharsets.UTF_8)));
      assertThat(api("apply", "-f", "-")).as(err.toString()).isZero();
    } finally {
      System.setIn(stdin);
    }
    assertThat(out.toString()).contains("added    Service stdin/cart");
  }

  @Test
  void applyAcceptsJsonFiles() throws Exception {
    Path json = write("svc.json", """
        {
        \t"apiVersion": "crossgate.dev/v1alpha1",
        \t"kind": "Service",
        \t"metadata": {"name": "pay", "namespace": "json"},
        \t"spec": {"endpoints": [{"address": "127.0.0.1", "port": 9003}]}
        }""");

    assertThat(api("apply", "-f", json.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("added    Service json/pay");
  }

  @Test
  void dryRunPrintsTheDiffAndStoresNothing() throws Exception {
    assertThat(api("apply", "-f", write("v1.yaml", service("dry", "users", 9001)).toString()))
        .isZero();
    long before = currentRevision();

    int code = api("apply", "--dry-run", "-f",
        write("v2.yaml", service("dry", "users", 9009)).toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("dry run: valid; 1 change against revision " + before + " (nothing stored)")
        .contains("~ Service dry/users (changed)")
        .contains("-     port: 9001").contains("+     port: 9009");
    assertThat(currentRevision()).isEqualTo(before);
  }

  @Test
  void invalidYamlIsReportedAgainstTheRightFileAndLine() throws Exception {
    Path good = write("a-good.yaml", service("bad", "users", 9001));
    Path broken = write("b-broken.yaml", """
        apiVersion: crossgate.dev/v1alpha1
        kind: Service
        metadata:
          name: broken
           namespace: bad
        """);

    int code = api("apply", "-f", good.toString(), "-f", broken.toString());

    assertThat(code).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(err.toString()).contains(broken + ":5: invalid YAML (line 5, column")
        .doesNotContain(good + ":").contains("nothing was applied");
  }

  @Test
  void validationProblemsNameFileLineResourceAndPath() throws Exception {
    Path first = write("first.yaml", service("invalid", "users", 9001));
    Path second = write("second.yaml", "# a comment\n" + service("invalid", "orders", 70000));

    int code = api("apply", "-f", first.toString() + "," + second.toString());

    assertThat(code).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(err.toString()).contains(
        second + ":12: Service invalid/orders: spec.endpoints[0].port: 70000");
    assertThat(err.toString()).containsPattern("1 problem; nothing was applied");
  }

  @Test
  void missingFileIsInvalidInputAndNothingIsSent() {
    assertThat(api("apply", "-f", "no-such-file.yaml")).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(err.toString()).contains("no-such-file.yaml: not found")
        .contains("nothing was sent");
  }

  @Test
  void applyWithAStaleIfMatchIsAConflict() throws Exception {
    long current = currentRevision();
    Path svc = write("svc.yaml", service("stale", "users", 9001));

    int code = api("apply", "-f", svc.toString(), "--if-match", String.valueOf(current + 100));

    assertThat(code).isEqualTo(ExitCodes.CONFLICT);
    assertThat(err.toString()).contains("expected revision " + (current + 100)
        + " but the current revision is " + current).contains("nothing was written");

    reset();
    assertThat(api("apply", "-f", svc.toString(), "--if-match", String.valueOf(current)))
        .as(err.toString()).isZero();
  }

  // ---- get

  @Test
  void getListsATableWithAliasesAndFilters() throws Exception {
    assertThat(api("apply", "-f", write("all.yaml", service("get", "users", 9001) + "---\n"
        + route("get", "users", "users")).toString())).as(err.toString()).isZero();
    reset();

    assertThat(api("get", "routes", "-n", "get")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("KIND").contains("NAMESPACE").contains("SUMMARY")
        .containsPattern("HTTPRoute\\s+get\\s+users\\s+users.get.example.com -> users")
        .doesNotContain("Service");

    reset();
    assertThat(api("get", "SVC", "-n", "get", "-l", "team=web")).isZero();
    assertThat(out.toString()).containsPattern("Service\\s+get\\s+users\\s+endpoints 127.0.0.1:9001");

    reset();
    assertThat(api("get", "services", "-n", "get", "-l", "team=nobody")).isZero();
    assertThat(err.toString()).contains("no resources found");

    reset();
    assertThat(api("get", "-n", "get")).isZero();
    assertThat(out.toString()).contains("HTTPRoute").contains("Service");
  }

  @Test
  void getPrintsYamlAndJsonThatApplyReadsBack() throws Exception {
    assertThat(api("apply", "-f", write("svc.yaml", service("formats", "users", 9001)).toString())).as(err.toString()).isZero();
    reset();

    assertThat(api("get", "service", "-n", "formats", "-o", "yaml")).isZero();
    String yaml = out.toString();
    assertThat(yaml).startsWith("---\n").contains("kind: Service").contains("name: users");

    reset();
    assertThat(api("apply", "-f", write("back.yaml", yaml).toString())).isZero();
    assertThat(out.toString()).contains("no changes");

    reset();
    assertThat(api("get", "Service", "users", "-n", "formats", "-o", "json")).isZero();
    assertThat(out.toString()).startsWith("{").contains("\"kind\" : \"Service\"");

    reset();
    assertThat(api("get", "svc", "users", "-o", "yaml", "-n", "formats")).isZero();
    assertThat(out.toString()).startsWith("apiVersion:");
  }

  @Test
  void getByNameFindsTheNamespaceWhenItIsUnique() throws Exception {
    assertThat(api("apply", "-f", write("svc.yaml", service("unique", "only-here", 9001)).toString())).as(err.toString()).isZero();
    reset();

    assertThat(api("get", "svc", "only-here")).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("Service\\s+unique\\s+only-here");
  }

  @Test
  void getByNameInSeveralNamespacesAsksForOne() throws Exception {
    assertThat(api("apply", "-f", write("svc.yaml", service("twice-a", "twin", 9001) + "---\n"
        + service("twice-b", "twin", 9002)).toString())).as(err.toString()).isZero();
    reset();

    assertThat(api("get", "svc", "twin")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("exists in namespaces twice-a, twice-b; choose one with -n");
  }

  @Test
  void getAMissingResourceIsNotFound() {
    assertThat(api("get", "svc", "nobody", "-n", "nowhere")).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(err.toString()).contains("not found: Service nowhere/nobody");

    reset();
    assertThat(api("get", "svc", "nobody")).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(err.toString()).contains("no Service named 'nobody' in any namespace");
  }

  @Test
  void unknownKindIsAUsageErrorListingTheKinds() {
    assertThat(api("get", "widgets")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("unknown resource kind 'widgets'")
        .contains("HTTPRoute (routes, route)").contains("Service (services, svc)")
        .contains("Usage: crossgate get");
  }

  // ---- delete

  @Test
  void deleteMakesARevision() throws Exception {
    assertThat(api("apply", "-f", write("svc.yaml", service("del", "gone", 9001)).toString())).as(err.toString()).isZero();
    long current = currentRevision();

    assertThat(api("delete", "svc", "gone", "-n", "del", "--if-match", String.valueOf(current)))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("revision " + (current + 1) + ": deleted Service del/gone");

    reset();
    assertThat(api("delete", "svc", "gone", "-n", "del")).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(err.toString()).contains("not found");
  }

  @Test
  void deleteWithAStaleIfMatchIsAConflict() throws Exception {
    assertThat(api("apply", "-f", write("svc.yaml", service("del-stale", "kept", 9001)).toString())).as(err.toString()).isZero();
    long current = currentRevision();

    assertThat(api("delete", "svc", "kept", "--if-match", String.valueOf(current - 1)))
        .isEqualTo(ExitCodes.CONFLICT);
    assertThat(err.toString()).contains("the current revision is " + current);
  }

  @Test
  void deletingAResourceStillReferencedIsInvalid() throws Exception {
    assertThat(api("apply", "-f", write("all.yaml", service("refs", "users", 9001) + "---\n"
        + route("refs", "users", "users")).toString())).as(err.toString()).isZero();
    reset();

    assertThat(api("delete", "svc", "users", "-n", "refs")).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(err.toString()).contains("HTTPRoute refs/users");
  }

  // ---- history, diff, status

  @Test
  void historyAndDiffShowWhatChanged() throws Exception {
    assertThat(api("apply", "-f", write("v1.yaml", service("hist", "users", 9001)).toString(),
        "-m", "v1")).as(err.toString()).isZero();
    long first = currentRevision();
    assertThat(api("apply", "-f", write("v2.yaml", service("hist", "users", 9002)).toString(),
        "-m", "v2")).as(err.toString()).isZero();
    reset();

    assertThat(api("history", "--limit", "2", "-o", "json")).isZero();
    assertThat(out.toString()).contains("\"message\" : \"v2\"").contains("\"message\" : \"v1\"");

    reset();
    assertThat(api("diff", "--from", String.valueOf(first))).as(err.toString()).isZero();
    assertThat(out.toString()).contains("revision " + first + " -> " + (first + 1) + ": 1 change")
        .contains("~ Service hist/users (changed)").contains("+     port: 9002");
  }

  @Test
  void historyLimitOutOfRangeIsAUsageError() {
    assertThat(api("history", "--limit", "0")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--limit: 0 (expected: 1..1000)");
  }

  @Test
  void statusShowsTheCurrentRevision() {
    long current = currentRevision();

    assertThat(api("status")).isZero();
    assertThat(out.toString()).startsWith("revision " + current + "  ")
        .contains("no data planes connected");
  }

  // ---- connection and authentication

  @Test
  void engineDownIsUnreachable() throws Exception {
    int port;
    int code;
    try (RefusedPort refusing = new RefusedPort()) {
      port = refusing.port();
      code = execute("get", "routes", "--server", "http://127.0.0.1:" + port, "--token", "x");
    }

    assertThat(code).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(err.toString()).contains("cannot reach the policy API at http://127.0.0.1:" + port)
        .contains("./crossgate policy-engine").contains("./crossgate up");
  }

  @Test
  void wrongTokenIsAuthenticationFailure() {
    int code = execute("get", "--server", url, "--token", "wrong");

    assertThat(code).isEqualTo(ExitCodes.UNAUTHORIZED);
    assertThat(err.toString()).contains("refused the token from --token")
        .contains("looked for a token in --token, CROSSGATE_TOKEN").doesNotContain("wrong");
  }

  @Test
  void missingTokenSaysWhereItLooked() throws Exception {
    Path config = write("config", "server=" + url + "\n");

    int code = execute("status", "--config-file", config.toString());

    assertThat(code).isEqualTo(ExitCodes.UNAUTHORIZED);
    assertThat(err.toString()).contains("needs a token and none was found")
        .contains("--token, CROSSGATE_TOKEN, " + config);
  }

  @Test
  void configFileGivesServerAndToken() throws Exception {
    Path properties = write("props/config", "# crossgate\nserver=" + url + "\ntoken=" + token
        + "\n");
    assertThat(execute("status", "--config-file", properties.toString())).as(err.toString())
        .isZero();

    write("json/admin.token", token + "\n");
    Path json = write("json/config", "{\"server\": \"" + url + "/\", \"tokenFile\": "
        + "\"admin.token\"}");
    assertThat(execute("status", "--config-file", json.toString())).as(err.toString()).isZero();

    Path wrong = write("wrong/config", "{\"server\": \"" + url + "\", \"token\": \"nope\"}");
    assertThat(execute("status", "--config-file", wrong.toString()))
        .isEqualTo(ExitCodes.UNAUTHORIZED);
    assertThat(err.toString()).contains("refused the token from " + wrong + " (token)");
  }

  @Test
  void flagsWinOverTheConfigFile() throws Exception {
    Path config = write("config", "server=http://127.0.0.1:1\ntoken=nope\n");

    assertThat(execute("status", "--config-file", config.toString(), "--server", url,
        "--token", token)).as(err.toString()).isZero();
  }

  @Test
  void badServerUrlIsAUsageError() {
    assertThat(execute("status", "--server", "localhost:9080", "--token", "x"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--server: localhost:9080 (expected: an http or https URL");
  }

  @Test
  void everyCommandHasHelpWithAnExample() {
    for (String command : List.of("apply", "get", "delete", "history", "diff", "status")) {
      reset();
      assertThat(execute(command, "--help")).isZero();
      assertThat(out.toString()).contains("Usage: crossgate " + command).contains("Example")
          .contains("--server=URL").contains("CROSSGATE_SERVER").contains("--token=TOKEN");
    }
  }
}
