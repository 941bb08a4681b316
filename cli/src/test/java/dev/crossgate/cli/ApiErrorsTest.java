package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.server.PolicyServer;
import dev.crossgate.policy.server.PolicyServerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command that talks to the policy API says the same two things the same way: an
 * unreachable API is exit 4 naming the URL, a refused token is exit 5 naming where the token came
 * from. Walks the command tree, so a new API command is covered when it is added.
 */
class ApiErrorsTest {

  @TempDir
  static Path data;

  private static PolicyServer engine;
  private static String url;
  private static Path policy;

  /** The least each command needs to reach the API; others are tried with no arguments. */
  private static final Map<String, List<String>> ARGS = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    engine = PolicyServer.start(PolicyServerOptions.defaults(data).withApi("127.0.0.1", 0));
    url = "http://127.0.0.1:" + engine.apiPort();
    policy = Files.writeString(data.resolve("svc.yaml"),
        PolicyApiCommandsTest.service("errors", "users", 9001));
    ARGS.put("apply", List.of("-f", policy.toString()));
    ARGS.put("get", List.of());
    ARGS.put("delete", List.of("svc", "users", "-n", "errors"));
    ARGS.put("history", List.of());
    ARGS.put("diff", List.of("--from", "0"));
    ARGS.put("status", List.of());
    ARGS.put("rollback", List.of("--to", "0"));
    ARGS.put("migrate", List.of("users", "-n", "errors", "--to", "observe"));
    ARGS.put("token create", List.of("--namespace", "errors", "--service-account", "users"));
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  private static void apiCommands(CommandLine parent, List<String> path, List<List<String>> all) {
    for (Map.Entry<String, CommandLine> sub : parent.getSubcommands().entrySet()) {
      List<String> words = new ArrayList<>(path);
      words.add(sub.getKey());
      if (sub.getValue().getCommandSpec().userObject() instanceof ApiCommand) {
        all.add(words);
      }
      apiCommands(sub.getValue(), words, all);
    }
  }

  private record Run(int code, String err) {}

  private static Run run(List<String> words, String server, String token) {
    List<String> args = new ArrayList<>(words);
    args.addAll(ARGS.getOrDefault(String.join(" ", words), List.of()));
    args.addAll(List.of("--server", server, "--token", token));
    StringWriter err = new StringWriter();
    CommandLine commandLine = CrossgateCommand.commandLine();
    commandLine.setOut(new PrintWriter(new StringWriter(), true));
    commandLine.setErr(new PrintWriter(err, true));
    return new Run(commandLine.execute(args.toArray(String[]::new)), err.toString());
  }

  @Test
  void everyApiCommandReportsAnUnreachableApiAndAWrongToken() throws Exception {
    List<List<String>> commands = new ArrayList<>();
    apiCommands(CrossgateCommand.commandLine(), List.of(), commands);
    assertThat(commands).extracting(words -> String.join(" ", words))
        .containsAll(ARGS.keySet());
    try (RefusedPort refusing = new RefusedPort()) {
      int closed = refusing.port();
      for (List<String> words : commands) {
        String name = String.join(" ", words);
        // A command added later without an entry above may stop at its own usage check first.
        boolean known = ARGS.containsKey(name);

        Run down = run(words, "http://127.0.0.1:" + closed, "some-token");
        if (known || down.code() != ExitCodes.USAGE) {
          assertThat(down.code()).as(name + ": " + down.err()).isEqualTo(ExitCodes.UNREACHABLE);
          assertThat(down.err()).as(name)
              .contains("cannot reach the policy API at http://127.0.0.1:" + closed);
        }

        Run refused = run(words, url, "not-the-token");
        if (known || refused.code() != ExitCodes.USAGE) {
          assertThat(refused.code()).as(name + ": " + refused.err())
              .isEqualTo(ExitCodes.UNAUTHORIZED);
          assertThat(refused.err()).as(name).contains("refused the token from --token");
        }
      }
    }
  }
}
