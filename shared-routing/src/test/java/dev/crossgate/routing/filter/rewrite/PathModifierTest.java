package dev.crossgate.routing.filter.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.routing.filter.TestExchanges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathModifierTest {

  private static PathModifier prefix(String replacement) {
    return PathModifier.of(new HttpRoute.PathModifier("ReplacePrefixMatch", null, replacement));
  }

  @Test
  void replaceFullPathIgnoresThePathAndThePrefix() {
    PathModifier full = PathModifier.of(new HttpRoute.PathModifier("ReplaceFullPath", "/new",
        null));

    assertThat(full).isEqualTo(new PathModifier("/new", null));
    assertThat(full.apply("/api/x", "/api")).isEqualTo("/new");
    assertThat(full.apply("/other", null)).isEqualTo("/new");
  }

  @ParameterizedTest(name = "prefix {0} -> {1}: {2} becomes {3}")
  @CsvSource({
      "/api,  /v2,  /api,      /v2",
      "/api,  /v2,  /api/,     /v2/",
      "/api,  /v2,  /api/x,    /v2/x",
      "/api,  /v2,  /api/x/y/, /v2/x/y/",
      "/api,  /,    /api/x,    /x",
      "/api,  /,    /api,      /",
      "/api,  /,    /api/,     /",
      "/api/, /v2,  /api/x,    /v2/x",
      "/api/, /v2,  /api,      /v2",
      "/api,  /v2/, /api/x,    /v2/x",
      "/api/, /v2/, /api/x,    /v2/x",
      "/api,  /v2/, /api,      /v2",
      "/,     /v2,  /x,        /v2/x",
      "/,     /v2,  /a/b,      /v2/a/b",
      "/,     /,    /x,        /x",
  })
  void replacePrefixMatch(String matched, String replacement, String path, String expected) {
    assertThat(prefix(replacement).apply(path, matched)).isEqualTo(expected);
  }

  @Test
  void prefixReplacementLeavesThePathWhenNoPrefixMatched() {
    assertThat(prefix("/v2").apply("/api/x", null)).isEqualTo("/api/x");
  }

  @Test
  void rewriteFilterChangesHostAndPathUsingTheMatchedPrefix() {
    var exchange = TestExchanges.exchange("/api/users");
    exchange.routed("default/r", "/api");

    new UrlRewriteFilter("internal.example", prefix("/v2")).onRequest(exchange);

    assertThat(exchange.upstreamPath()).isEqualTo("/v2/users");
    assertThat(exchange.upstreamAuthority()).isEqualTo("internal.example");
  }

  @Test
  void rewriteFilterWithNothingToChangeKeepsTheRequest() {
    var exchange = TestExchanges.exchange("/api/users");

    new UrlRewriteFilter(null, null).onRequest(exchange);

    assertThat(exchange.upstreamPath()).isEqualTo("/api/users");
    assertThat(exchange.upstreamAuthority()).isNull();
  }
}
