package dev.crossgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.crossgate.policy.codec.ConfigProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of one {@code crossgate apply}, sent as one YAML stream, and the way back from the
 * API's line numbers to the user's files.
 *
 * <p>Each file becomes one segment that starts with a {@code --- # file} marker line followed by
 * the file's text unchanged, so file line {@code n} of a segment starting at stream line
 * {@code s} is stream line {@code s + n}. JSON is YAML's flow syntax, so JSON files travel the
 * same way (tabs, legal between JSON tokens but not in YAML, become spaces; no line moves).
 */
final class ApplyBatch {

  private static final String REQUEST = "request.yaml";
  private static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".json");
  private static final Pattern LINE_IN_MESSAGE = Pattern.compile("\\(line (\\d+), column");
  private static final Pattern REQUEST_LINE_IN_MESSAGE =
      Pattern.compile(Pattern.quote(REQUEST) + ":(\\d+)");
  private static final YAMLMapper YAML = new YAMLMapper();

  /**
   * One file in the stream.
   *
   * @param name the name shown in problems
   * @param firstLine the stream line of the file's first line (1-based)
   * @param lines how many lines the file has
   * @param text the file's text as sent
   */
  record Part(String name, int firstLine, int lines, String text) {

    boolean contains(int streamLine) {
      return streamLine >= firstLine && streamLine < firstLine + lines;
    }
  }

  private final List<Part> parts;
  private final String body;
  private final List<String> problems;

  private ApplyBatch(List<Part> parts, String body, List<String> problems) {
    this.parts = List.copyOf(parts);
    this.body = body;
    this.problems = List.copyOf(problems);
  }

  /**
   * Reads files, folders (recursively, {@code *.yaml}, {@code *.yml}, {@code *.json}, hidden
   * files skipped, in path order) and {@code -} (stdin).
   */
  static ApplyBatch read(List<String> inputs, InputStream stdin) {
    List<String[]> files = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String input : inputs) {
      if (input.equals("-")) {
        files.add(new String[] {"stdin", readStdin(stdin, problems)});
        continue;
      }
      Path path = Path.of(input);
      if (!Files.exists(path)) {
        problems.add(input + ": not found (expected: a policy file, a folder, or - for stdin)");
      } else if (Files.isDirectory(path)) {
        List<Path> found = policyFiles(path, problems);
        if (found.isEmpty()) {
          problems.add(input + ": no policy files (expected: *.yaml, *.yml or *.json files)");
        }
        found.forEach(file -> files.add(new String[] {file.toString(), readFile(file, problems)}));
      } else {
        files.add(new String[] {input, readFile(path, problems)});
      }
    }
    return of(files, problems);
  }

  /** A batch of named texts, for tests. */
  static ApplyBatch ofTexts(List<String[]> namesAndTexts) {
    return of(namesAndTexts, List.of());
  }

  private static ApplyBatch of(List<String[]> files, List<String> problems) {
    StringBuilder body = new StringBuilder();
    List<Part> parts = new ArrayList<>();
    int line = 0;
    for (String[] file : files) {
      if (file[1] == null) {
        continue;
      }
      String text = file[1];
      if (isJson(file[0], text)) {
        text = text.replace('\t', ' ');
      }
      if (!text.isEmpty() && !text.endsWith("\n")) {
        text += "\n";
      }
      body.append("--- # ").append(file[0].replaceAll("[\\r\\n]", " ")).append('\n');
      line++;
      int lines = (int) text.chars().filter(c -> c == '\n').count();
      parts.add(new Part(file[0], line + 1, lines, text));
      body.append(text);
      line += lines;
    }
    return new ApplyBatch(parts, body.toString(), problems);
  }

  /** Problems found before sending anything (missing files, empty folders). */
  List<String> problems() {
    return problems;
  }

  /** The YAML stream to send. */
  String body() {
    return body;
  }

  List<Part> parts() {
    return parts;
  }

  /**
   * One problem of the API's problem+json, as {@code file:line: resource: path: message}, with the
   * stream's line numbers translated back to the user's file.
   */
  String locate(JsonNode problem) {
    String source = problem.path("source").asText(null);
    int line = problem.path("line").asInt(0);
    String resource = problem.path("resource").asText(null);
    String path = problem.path("path").asText(null);
    String message = problem.path("message").asText("invalid");
    message = fileLinesIn(message);
    if (!REQUEST.equals(source)) {
      return new ConfigProblem(source, line, resource, path, message).toString();
    }
    Part part = line > 0 ? partAt(line) : partDeclaring(resource);
    if (part == null) {
      return new ConfigProblem(line > 0 ? "line " + line + " of the batch" : null, 0, resource,
          path, message).toString();
    }
    int fileLine = line >= part.firstLine() ? line - part.firstLine() + 1 : 0;
    Matcher matcher = LINE_IN_MESSAGE.matcher(message);
    StringBuilder fixed = new StringBuilder();
    while (matcher.find()) {
      Part at = partAt(Integer.parseInt(matcher.group(1)));
      int mapped = at == null ? Integer.parseInt(matcher.group(1))
          : Integer.parseInt(matcher.group(1)) - at.firstLine() + 1;
      matcher.appendReplacement(fixed, "(line " + mapped + ", column");
    }
    matcher.appendTail(fixed);
    return new ConfigProblem(part.name(), fileLine, resource, path, fixed.toString()).toString();
  }

  /** {@code request.yaml:22} inside a message (a conflict's other side) as {@code file:line}. */
  private String fileLinesIn(String message) {
    Matcher matcher = REQUEST_LINE_IN_MESSAGE.matcher(message);
    StringBuilder fixed = new StringBuilder();
    while (matcher.find()) {
      int streamLine = Integer.parseInt(matcher.group(1));
      Part at = partAt(streamLine);
      matcher.appendReplacement(fixed, Matcher.quoteReplacement(at == null ? matcher.group()
          : at.name() + ":" + Math.max(1, streamLine - at.firstLine() + 1)));
    }
    matcher.appendTail(fixed);
    return fixed.toString();
  }

  private Part partAt(int streamLine) {
    for (Part part : parts) {
      // The marker line just before a part belongs to it too (an error found at "---").
      if (part.contains(streamLine) || streamLine == part.firstLine() - 1) {
        return part;
      }
    }
    return null;
  }

  /** The part that declares a resource such as {@code HTTPRoute shop/users}, if one does. */
  private Part partDeclaring(String resource) {
    if (resource == null) {
      return null;
    }
    for (Part part : parts) {
      for (String chunk : part.text().split("(?m)^---.*$")) {
        if (chunk.isBlank()) {
          continue;
        }
        try (MappingIterator<JsonNode> values = YAML.readerFor(JsonNode.class).readValues(chunk)) {
          while (values.hasNextValue()) {
            JsonNode value = values.nextValue();
            for (JsonNode document : value.isArray() ? value : List.of(value)) {
              if (resource.equals(refOf(document))) {
                return part;
              }
            }
          }
        } catch (IOException | RuntimeException e) {
          // Unreadable documents declare nothing we can find.
        }
      }
    }
    return null;
  }

  private static String refOf(JsonNode document) {
    String namespace = document.path("metadata").path("namespace").asText("default");
    return document.path("kind").asText() + " " + namespace + "/"
        + document.path("metadata").path("name").asText();
  }

  private static boolean isJson(String name, String text) {
    String start = text.stripLeading();
    return name.toLowerCase(Locale.ROOT).endsWith(".json") || start.startsWith("{")
        || start.startsWith("[");
  }

  private static List<Path> policyFiles(Path folder, List<String> problems) {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .filter(file -> !file.getFileName().toString().startsWith("."))
          .filter(file -> EXTENSIONS.stream().anyMatch(
              file.getFileName().toString().toLowerCase(Locale.ROOT)::endsWith))
          .sorted()
          .toList();
    } catch (IOException | UncheckedIOException e) {
      problems.add(folder + ": unreadable folder (" + e.getMessage() + ")");
      return List.of();
    }
  }

  private static String readFile(Path file, List<String> problems) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add(file + ": unreadable (" + e + ") (expected: a readable UTF-8 text file)");
      return null;
    }
  }

  private static String readStdin(InputStream stdin, List<String> problems) {
    try {
      return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add("stdin: unreadable (" + e.getMessage() + ")");
      return null;
    }
  }
}
