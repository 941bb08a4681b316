package dev.crossgate.policy.cel;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.protobuf.Timestamp;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles and type-checks the CEL {@code condition} of an {@code AuthorizationPolicy} against the
 * variables Crossgate provides:
 *
 * <ul>
 *   <li>{@code request}: {@code method}, {@code path}, {@code host} (strings), {@code headers}
 *       and {@code query} ({@code map(string, string)}; header names lower-case)
 *   <li>{@code source}: {@code address}, {@code principal}, {@code namespace} (strings)
 *   <li>{@code jwt}: {@code claims} ({@code map(string, dyn)})
 *   <li>{@code now}: the request time ({@code google.protobuf.Timestamp})
 * </ul>
 *
 * <p>The result must be {@code bool}. Expressions are capped at {@link #MAX_LENGTH} characters
 * and {@link #MAX_NESTING} levels of nesting, and comprehensions at {@link #MAX_ITERATIONS}
 * iterations, so evaluation cost stays bounded. Thread-safe; use {@link #standard()}.
 */
public final class ConditionCompiler {

  /** The longest accepted expression, in characters. */
  public static final int MAX_LENGTH = 4096;

  /** The deepest accepted nesting of the parse tree. */
  public static final int MAX_NESTING = 32;

  /** The most iterations one comprehension ({@code all}, {@code exists}, …) may run. */
  public static final int MAX_ITERATIONS = 1000;

  /** The declared variables and their CEL types, in order, for documentation and messages. */
  public static final Map<String, String> VARIABLES;

  private static final StructType REQUEST =
      struct(
          "crossgate.Request",
          Map.of(
              "method", SimpleType.STRING,
              "path", SimpleType.STRING,
              "host", SimpleType.STRING,
              "headers", MapType.create(SimpleType.STRING, SimpleType.STRING),
              "query", MapType.create(SimpleType.STRING, SimpleType.STRING)));
  private static final StructType SOURCE =
      struct(
          "crossgate.Source",
          Map.of(
              "address", SimpleType.STRING,
              "principal", SimpleType.STRING,
              "namespace", SimpleType.STRING));
  private static final StructType JWT =
      struct("crossgate.Jwt", Map.of("claims", MapType.create(SimpleType.STRING, SimpleType.DYN)));

  static {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("request", "method, path, host: string; headers, query: map(string, string)");
    variables.put("source", "address, principal, namespace: string");
    variables.put("jwt", "claims: map(string, dyn)");
    variables.put("now", "timestamp");
    VARIABLES = java.util.Collections.unmodifiableMap(variables);
  }

  private static final ConditionCompiler STANDARD = new ConditionCompiler();

  private final CelCompiler compiler;
  private final CelRuntime runtime;

  private ConditionCompiler() {
    CelOptions options =
        CelOptions.current()
            .maxExpressionCodePointSize(MAX_LENGTH)
            .maxParseRecursionDepth(MAX_NESTING)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .build();
    CelTypeProvider types = new StructTypes(List.of(REQUEST, SOURCE, JWT));
    compiler =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(options)
            .setTypeProvider(types)
            .addVar("request", REQUEST)
            .addVar("source", SOURCE)
            .addVar("jwt", JWT)
            .addVar("now", SimpleType.TIMESTAMP)
            .setResultType(SimpleType.BOOL)
            .build();
    runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(options).build();
  }

  /** The shared compiler. */
  public static ConditionCompiler standard() {
    return STANDARD;
  }

  /**
   * What compiling one expression produced: a condition, or the errors that stop it.
   *
   * @param condition the compiled condition; {@code null} when there are errors
   * @param errors each error as {@code line L, column C: message} (positions inside the
   *     expression, 1-based), or a plain message for limits
   */
  public record Compilation(CompiledCondition condition, List<String> errors) {
    public Compilation {
      errors = List.copyOf(errors);
    }

    /** Whether the expression compiled. */
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  /** Compiles and type-checks {@code expression}; never throws on bad input. */
  public Compilation compile(String expression) {
    requireNonNull(expression, "expression");
    if (expression.isBlank()) {
      return failed("empty expression (expected: a CEL expression of type bool)");
    }
    if (expression.length() > MAX_LENGTH) {
      return failed(
          expression.length() + " characters (expected: at most " + MAX_LENGTH + ")");
    }
    CelValidationResult result;
    try {
      result = compiler.compile(expression);
    } catch (RuntimeException e) {
      return failed("cannot compile (" + e.getMessage() + ")");
    }
    if (result.hasError()) {
      List<String> errors = new ArrayList<>();
      for (CelIssue issue : result.getErrors()) {
        errors.add(describe(issue));
      }
      return new Compilation(null, errors);
    }
    try {
      return new Compilation(
          new CompiledCondition(expression, runtime.createProgram(result.getAst())), List.of());
    } catch (CelValidationException | CelEvaluationException e) {
      return failed("cannot plan (" + e.getMessage() + ")");
    }
  }

  private static Compilation failed(String error) {
    return new Compilation(null, List.of(error));
  }

  private static String describe(CelIssue issue) {
    String message = issue.getMessage().replaceAll("\\s+", " ").trim();
    int candidates = message.indexOf(" (candidates:");
    if (candidates > 0) {
      message = message.substring(0, candidates); // the full overload list buries the point
    }
    int line = issue.getSourceLocation().getLine();
    int column = issue.getSourceLocation().getColumn();
    if (line <= 0) {
      return message;
    }
    return "line " + line + ", column " + (column + 1) + ": " + message;
  }

  /** Turns activation values into what the CEL runtime expects (timestamps as protobuf). */
  static Map<String, Object> toCelValues(Map<String, ?> activation) {
    Map<String, Object> values = new LinkedHashMap<>(activation);
    Object now = values.get("now");
    if (now != null) {
      values.put("now", toCelValue("now", now));
    }
    return values;
  }

  /** One activation value as the CEL runtime expects it (the {@code now} instant as protobuf). */
  static Object toCelValue(String name, Object value) {
    if ("now".equals(name) && value instanceof Instant instant) {
      return Timestamp.newBuilder()
          .setSeconds(instant.getEpochSecond())
          .setNanos(instant.getNano())
          .build();
    }
    return value;
  }

  private static StructType struct(String name, Map<String, CelType> fields) {
    return StructType.create(
        name, ImmutableSet.copyOf(fields.keySet()), field -> Optional.ofNullable(fields.get(field)));
  }

  /** Makes the struct types known to the checker by name. */
  private static final class StructTypes implements CelTypeProvider {

    private final ImmutableList<CelType> types;

    StructTypes(List<? extends CelType> types) {
      this.types = ImmutableList.copyOf(types);
    }

    @Override
    public ImmutableList<CelType> types() {
      return types;
    }

    @Override
    public Optional<CelType> findType(String typeName) {
      return types.stream().filter(t -> t.name().equals(typeName)).findFirst();
    }
  }
}
