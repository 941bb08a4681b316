package dev.crossgate.cli;

import dev.crossgate.policy.codec.LoadResult;
import dev.crossgate.policy.codec.PolicyLoader;
import dev.crossgate.policy.model.Resource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crossgate validate}: checks policy files offline, printing every problem. */
@Command(name = "validate",
    mixinStandardHelpOptions = true,
    description = "Check policy YAML/JSON files or folders offline; print every problem.",
    footer = {"", "Example:", "  crossgate validate config-examples/basic-routing.yaml",
        "", "Exit codes: 0 valid, 1 invalid, 2 usage error."})
final class ValidateCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files or folders to check.")
  List<Path> files;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LoadResult result = PolicyLoader.loadPaths(files);
    if (!result.ok()) {
      result.problems().forEach(problem -> err.println(problem));
      err.printf("%d problem%s found; nothing is valid until all are fixed.%n",
          result.problems().size(), result.problems().size() == 1 ? "" : "s");
      err.flush();
      return ExitCodes.INVALID_CONFIG;
    }
    List<Resource> resources = result.bundle().resources();
    resources.forEach(r -> out.println("ok  " + r.ref()));
    out.printf("%d resource%s valid.%n", resources.size(), resources.size() == 1 ? "" : "s");
    out.flush();
    return ExitCodes.OK;
  }
}
