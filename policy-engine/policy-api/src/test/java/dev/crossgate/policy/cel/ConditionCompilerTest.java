package dev.crossgate.policy.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionCompilerTest {

  private final ConditionCompiler compiler = ConditionCompiler.standard();

  private static Map<String, Object> activation(String method, String group) {
    return Map.of(
        "request",
        Map.of(
            "method", method,
            "path", "/admin/users",
            "host", "shop.example.com",
            "headers", Map.of("x-tenant", "acme"),
            "query", Map.of()),
        "source",
        Map.of("address", "10.0.0.1", "principal", "", "namespace", "shop"),
        "jwt",
        Map.of("claims", Map.of("groups", List.of(group), "sub", "alice")),
        "now",
        Instant.parse("2024-05-01T12:00:00Z"));
  }

  @Test
  void compilesOnceAndEvaluatesManyTimes() {
    ConditionCompiler.Compilation compilation =
        compiler.compile(
            "request.method == 'GET' && 'admins' in jwt.claims.groups"
                + " && request.headers['x-tenant'] == 'acme'"
                + " && now > timestamp('2024-01-01T00:00:00Z')");

    assertThat(compilation.errors()).isEmpty();
    CompiledCondition condition = compilation.condition();
    assertThat(condition.evaluate(activation("GET", "admins"))).isTrue();
    assertThat(condition.evaluate(activation("POST", "admins"))).isFalse();
    assertThat(condition.evaluate(activation("GET", "users"))).isFalse();
  }

  @Test
  void typeErrorsNameLineAndColumn() {
    assertThat(compiler.compile("request.method + 1 == 'GET'").errors())
        .containsExactly(
            "line 1, column 16: found no matching overload for '_+_' applied to '(string, int)'");
    assertThat(compiler.compile("request.verb == 'GET'").errors())
        .containsExactly("line 1, column 8: undefined field 'verb'");
    assertThat(compiler.compile("request.method").errors())
        .containsExactly(
            "line 1, column 8: expected type 'bool' but found 'string'");
    assertThat(compiler.compile("source.address ==\n  caller").errors())
        .containsExactly("line 2, column 3: undeclared reference to 'caller' (in container '')");
  }

  @Test
  void limitsAreEnforced() {
    assertThat(compiler.compile(" ").errors())
        .containsExactly("empty expression (expected: a CEL expression of type bool)");
    assertThat(compiler.compile("true || ".repeat(600) + "true").errors())
        .containsExactly("4804 characters (expected: at most 4096)");
    String nested = "(".repeat(40) + "true" + ")".repeat(40);
    assertThat(compiler.compile(nested).errors()).hasSize(1);
    assertThat(compiler.compile(nested).errors().get(0)).contains("recursion");
  }

  @Test
  void evaluationFailuresAreReported() {
    CompiledCondition condition =
        compiler.compile("request.headers['x-missing'] == 'a'").condition();
    assertThatThrownBy(() -> condition.evaluate(activation("GET", "admins")))
        .isInstanceOf(ConditionEvaluationException.class)
        .hasMessageContaining("x-missing");
  }

  @Test
  void variablesAreAskedForOnlyWhenTheExpressionReadsThem() {
    Map<String, Object> values = activation("GET", "admins");
    List<String> asked = new ArrayList<>();
    CompiledCondition method = compiler.compile("request.method == 'GET'").condition();
    assertThat(method.evaluate(name -> {
      asked.add(name);
      return values.get(name);
    })).isTrue();
    assertThat(asked).containsOnly("request");

    asked.clear();
    CompiledCondition all =
        compiler.compile(
            "'admins' in jwt.claims.groups && request.headers['x-tenant'] == 'acme'"
                + " && source.namespace == 'shop' && now > timestamp('2024-01-01T00:00:00Z')"
                + " && now < timestamp('2024-06-01T00:00:00Z')")
            .condition();
    assertThat(all.evaluate(name -> {
      asked.add(name);
      return values.get(name);
    })).isTrue();
    assertThat(asked).contains("jwt", "request", "source", "now");
    assertThat(all.evaluate(values)).isTrue();
  }

  @Test
  void aVariableTheResolverDoesNotKnowFailsLikeAMissingOne() {
    CompiledCondition condition = compiler.compile("source.address == '10.0.0.1'").condition();
    assertThatThrownBy(() -> condition.evaluate(name -> null))
        .isInstanceOf(ConditionEvaluationException.class)
        .hasMessageContaining("source.address == '10.0.0.1'");
  }
}
