package dev.crossgate.cli;

import java.io.PrintWriter;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the policy API: resolves the connection, runs, and turns an
 * {@link ApiException} into its message on stderr and its exit code.
 */
abstract class ApiCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ApiOptions api;

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return run(api.client(), out, err);
    } catch (ApiException e) {
      err.println("crossgate: " + e.getMessage());
      return e.exitCode();
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Does the work; returns the exit code. */
  abstract int run(PolicyApiClient client, PrintWriter out, PrintWriter err);

  static OptionalLong optional(Long value) {
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }
}
