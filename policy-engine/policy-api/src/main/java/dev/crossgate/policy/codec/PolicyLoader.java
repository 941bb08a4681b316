package dev.crossgate.policy.codec;

import static java.util.Objects.requireNonNull;

import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Resource;
import dev.crossgate.policy.validation.PolicyValidator;
import dev.crossgate.policy.validation.ValidationOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads policy YAML or JSON from files, folders or strings, binds it to the model and validates
 * the whole batch. Bad input never throws: every syntax, binding and validation problem of the
 * batch is returned in the {@link LoadResult}, and the bundle is only given when there are none.
 */
public final class PolicyLoader {

  private static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".json");

  private PolicyLoader() {}

  /**
   * Loads files and folders as one batch. Folders are walked recursively for {@code *.yaml},
   * {@code *.yml} and {@code *.json} files (hidden files skipped), in path order. A missing or
   * unreadable path, or a folder without policy files, is a problem.
   */
  public static LoadResult loadPaths(List<Path> paths) {
    return loadPaths(paths, ValidationOptions.DEFAULTS);
  }

  /** Like {@link #loadPaths(List)}, validating for a data plane with {@code options}. */
  public static LoadResult loadPaths(List<Path> paths, ValidationOptions options) {
    requireNonNull(paths, "paths");
    requireNonNull(options, "options");
    List<SourceDocument> documents = new ArrayList<>();
    List<ConfigProblem> problems = new ArrayList<>();
    for (Path path : paths) {
      requireNonNull(path, "paths[]");
      String source = path.toString();
      if (!Files.exists(path)) {
        problems.add(problem(source, "not found (expected: a policy file or folder)"));
      } else if (Files.isDirectory(path)) {
        List<Path> files = policyFiles(path, problems);
        if (files.isEmpty()) {
          problems.add(
              problem(source, "no policy files (expected: *.yaml, *.yml or *.json files)"));
        }
        for (Path file : files) {
          readFile(file, documents, problems);
        }
      } else {
        readFile(path, documents, problems);
      }
    }
    return finish(documents, problems, options, List.of(), null);
  }

  /**
   * Loads one text: YAML with any number of {@code ---}-separated documents, or JSON (when the
   * source name ends in {@code .json} or the text starts with {@code {} or {@code [}).
   *
   * @param sourceName the name used in problems, e.g. a file name or {@code request}
   */
  public static LoadResult loadString(String sourceName, String text) {
    return loadString(sourceName, text, ValidationOptions.DEFAULTS);
  }

  /** Like {@link #loadString(String, String)}, validating for a data plane with {@code options}. */
  public static LoadResult loadString(String sourceName, String text, ValidationOptions options) {
    requireNonNull(sourceName, "sourceName");
    requireNonNull(options, "options");
    requireNonNull(text, "text");
    List<SourceDocument> documents = new ArrayList<>();
    List<ConfigProblem> problems = new ArrayList<>();
    read(sourceName, text, looksLikeJson(sourceName, text), documents, problems);
    return finish(documents, problems, options, List.of(), null);
  }

  /**
   * Like {@link #loadString(String, String, ValidationOptions)}, validating the text's resources
   * together with {@code context}: resources already bound and known to bind (e.g. the stored
   * ones the text does not replace), so references to them resolve and conflicts with them are
   * found without decoding them again. The result's bundle holds the text's resources, then
   * {@code context}; problems in {@code context} resources have no source and line 0.
   */
  public static LoadResult loadString(String sourceName, String text, ValidationOptions options,
      List<Resource> context) {
    requireNonNull(sourceName, "sourceName");
    requireNonNull(options, "options");
    requireNonNull(text, "text");
    requireNonNull(context, "context");
    List<SourceDocument> documents = new ArrayList<>();
    List<ConfigProblem> problems = new ArrayList<>();
    read(sourceName, text, looksLikeJson(sourceName, text), documents, problems);
    return finish(documents, problems, options, context, null);
  }

  /**
   * Like {@link #loadString(String, String, ValidationOptions, List)} when {@code context}
   * together with the resources {@code replaced} names, as they were, is a bundle that validated
   * without problems with the same {@code options} (the stored state, the last snapshot
   * applied): the text's resources are validated in full and the unchanged ones only where the
   * change can affect them ({@link PolicyValidator#validateChange}). Same result as validating
   * everything.
   *
   * @param replaced the refs ({@code Kind namespace/name}) of the resources the text replaces or
   *     that were deleted from that valid bundle
   */
  public static LoadResult loadChange(String sourceName, String text, ValidationOptions options,
      List<Resource> context, Set<String> replaced) {
    requireNonNull(sourceName, "sourceName");
    requireNonNull(options, "options");
    requireNonNull(text, "text");
    requireNonNull(context, "context");
    requireNonNull(replaced, "replaced");
    List<SourceDocument> documents = new ArrayList<>();
    List<ConfigProblem> problems = new ArrayList<>();
    read(sourceName, text, looksLikeJson(sourceName, text), documents, problems);
    return finish(documents, problems, options, context, replaced);
  }

  private static boolean looksLikeJson(String sourceName, String text) {
    if (sourceName.toLowerCase(Locale.ROOT).endsWith(".json")) {
      return true;
    }
    String start = text.stripLeading();
    return start.startsWith("{") || start.startsWith("[");
  }

  private static List<Path> policyFiles(Path folder, List<ConfigProblem> problems) {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .filter(file -> !file.getFileName().toString().startsWith("."))
          .filter(PolicyLoader::hasPolicyExtension)
          .sorted()
          .toList();
    } catch (IOException | UncheckedIOException e) {
      problems.add(problem(folder.toString(), "unreadable folder (" + e.getMessage() + ")"));
      return List.of();
    }
  }

  private static boolean hasPolicyExtension(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return EXTENSIONS.stream().anyMatch(name::endsWith);
  }

  private static void readFile(
      Path file, List<SourceDocument> documents, List<ConfigProblem> problems) {
    String source = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add(
          problem(source, "unreadable (" + e + ") (expected: a readable UTF-8 text file)"));
      return;
    }
    boolean json = source.toLowerCase(Locale.ROOT).endsWith(".json");
    read(source, text, json, documents, problems);
  }

  private static void read(
      String source,
      String text,
      boolean json,
      List<SourceDocument> documents,
      List<ConfigProblem> problems) {
    DocumentReader.Result result = DocumentReader.read(source, text, json);
    documents.addAll(result.documents());
    problems.addAll(result.problems());
  }

  private static LoadResult finish(
      List<SourceDocument> documents, List<ConfigProblem> problems, ValidationOptions options,
      List<Resource> context, Set<String> replaced) {
    try {
      return bindAndValidate(documents, problems, options, context, replaced);
    } catch (RuntimeException e) {
      // A bug in the loader must not take a caller down with bad input: report it as a problem.
      List<ConfigProblem> all = new ArrayList<>(problems);
      all.add(new ConfigProblem(null, 0, null, null, "internal error while loading: " + e));
      return LoadResult.rejected(all);
    }
  }

  private static LoadResult bindAndValidate(
      List<SourceDocument> documents,
      List<ConfigProblem> syntaxProblems,
      ValidationOptions options,
      List<Resource> context,
      Set<String> replaced) {
    List<ConfigProblem> problems = new ArrayList<>(syntaxProblems);
    List<Resource> resources = new ArrayList<>();
    List<Resource> fresh = new ArrayList<>();
    DocumentLocator locator = new DocumentLocator();
    Set<String> unbound = new HashSet<>();
    for (SourceDocument document : documents) {
      ResourceBinder.Bound bound = ResourceBinder.bind(document);
      for (RecordBinder.Issue issue : bound.issues()) {
        problems.add(
            new ConfigProblem(
                document.source(),
                document.lineOf(issue.path()),
                bound.ref(),
                issue.path(),
                issue.message()));
        unbound.add(document.source() + "|" + bound.ref() + "|" + issue.path());
      }
      if (bound.resource() != null) {
        resources.add(bound.resource());
        locator.put(bound.resource(), document);
      }
    }
    fresh.addAll(resources);
    resources.addAll(context);
    PolicyBundle bundle = new PolicyBundle(resources);
    List<ConfigProblem> found = replaced == null
        ? PolicyValidator.validate(bundle, locator, options)
        : PolicyValidator.validateChange(bundle, fresh, replaced, locator, options);
    for (ConfigProblem problem : found) {
      if (!coveredByBindingIssue(problem, unbound)) {
        problems.add(problem);
      }
    }
    return problems.isEmpty() ? LoadResult.of(bundle) : LoadResult.rejected(problems);
  }

  /** A field left null by a binding problem should not be reported again as missing. */
  private static boolean coveredByBindingIssue(ConfigProblem problem, Set<String> unbound) {
    String path = problem.path() == null ? "" : problem.path();
    String prefix = problem.source() + "|" + problem.resource() + "|";
    while (true) {
      if (unbound.contains(prefix + path)) {
        return true;
      }
      int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
      if (cut < 0) {
        return false;
      }
      path = path.substring(0, cut);
    }
  }

  private static ConfigProblem problem(String source, String message) {
    return new ConfigProblem(source, 0, null, null, message);
  }
}
