package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's {@code --help} exits 0 and shows at least one example of its use. */
class HelpExamplesTest {

  /** Every command below {@code crossgate}, as the words that name it, e.g. [token, create]. */
  private static List<List<String>> commands(CommandLine parent, List<String> path) {
    List<List<String>> all = new ArrayList<>();
    for (Map.Entry<String, CommandLine> sub : parent.getSubcommands().entrySet()) {
      if (sub.getValue().getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
        continue; // picocli's own 'help', which prints the others' help
      }
      List<String> words = new ArrayList<>(path);
      words.add(sub.getKey());
      all.add(words);
      all.addAll(commands(sub.getValue(), words));
    }
    return all;
  }

  @Test
  void everyCommandsHelpHasAnExample() {
    List<List<String>> commands = commands(CrossgateCommand.commandLine(), List.of());
    assertThat(commands).extracting(words -> String.join(" ", words))
        .contains("migrate", "rollback", "completion", "apply", "token create");
    List<String> without = new ArrayList<>();
    for (List<String> words : commands) {
      StringWriter out = new StringWriter();
      CommandLine commandLine = CrossgateCommand.commandLine();
      commandLine.setOut(new PrintWriter(out, true));
      commandLine.setErr(new PrintWriter(new StringWriter(), true));
      List<String> args = new ArrayList<>(words);
      args.add("--help");
      int code = commandLine.execute(args.toArray(String[]::new));
      String help = out.toString();
      assertThat(code).as("crossgate %s --help", String.join(" ", words)).isZero();
      String name = String.join(" ", words);
      if (!help.contains("Example") || !help.contains("crossgate " + name)) {
        without.add(name);
      }
    }
    assertThat(without).as("commands whose --help shows no 'Examples:' using the command")
        .isEmpty();
  }
}
