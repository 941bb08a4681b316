package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code crossgate completion}: the script it prints completes commands and options in bash. */
class CompletionCommandTest {

  @TempDir
  Path dir;

  private String script(String shell) {
    StringWriter out = new StringWriter();
    var commandLine = CrossgateCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(new StringWriter(), true));
    assertThat(commandLine.execute("completion", shell)).isZero();
    return out.toString();
  }

  /** Sources the script in a real bash and asks it to complete {@code words}. */
  private List<String> complete(String... words) throws Exception {
    Path file = dir.resolve("crossgate-completion.sh");
    Files.writeString(file, script("bash"));
    String line = String.join(" ", words);
    String program = "source " + file + "\n"
        + "COMP_WORDS=(" + line + ")\n"
        + "COMP_CWORD=" + (words.length - 1) + "\n"
        + "COMP_LINE='" + line + "'\n"
        + "COMP_POINT=" + line.length() + "\n"
        + "_complete_crossgate\n"
        + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    Process bash = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", program)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start(); // compopt warns outside readline
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(bash.exitValue()).as(output).isZero();
    return output.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  @Test
  void bashCompletesSubcommands() throws Exception {
    assertThat(complete("crossgate", "mig")).containsExactly("migrate");
    assertThat(complete("crossgate", "ro")).containsExactly("rollback");
  }

  @Test
  void bashCompletesAStagesOptionsAndValues() throws Exception {
    assertThat(complete("crossgate", "migrate", "--ro")).containsExactly("--rollback");
    assertThat(complete("crossgate", "migrate", "reviews", "--to", "p"))
        .containsExactly("permissive");
  }

  @Test
  void zshGetsTheSameScriptWhichEnablesBashcompinit() {
    String zsh = script("zsh");
    assertThat(zsh).isEqualTo(script("bash")).contains("ZSH_VERSION").contains("bashcompinit");
  }

  @Test
  void anUnknownShellIsAUsageError() {
    StringWriter err = new StringWriter();
    var commandLine = CrossgateCommand.commandLine();
    commandLine.setErr(new PrintWriter(err, true));
    assertThat(commandLine.execute("completion", "fish")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("fish").contains("bash").contains("zsh");
  }
}
