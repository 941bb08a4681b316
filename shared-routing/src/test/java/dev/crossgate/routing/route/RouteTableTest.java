package dev.crossgate.routing.route;

import static dev.crossgate.routing.route.TestRoute.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.model.HttpRoute;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  private static RouteTable<String> table(TestRoute... routes) {
    List<RouteEntry<String>> entries = new ArrayList<>();
    for (TestRoute r : routes) {
      entries.add(r.build());
    }
    return RouteTable.build(entries);
  }

  private static String target(RouteTable<String> table, RequestView request) {
    RouteEntry<String> entry = table.match(request);
    return entry == null ? null : entry.target();
  }

  private static String target(RouteTable<String> table, String host, String path) {
    return target(table, TestRequest.of(host, path));
  }

  @Test
  void emptyTableMatchesNothing() {
    RouteTable<String> empty = RouteTable.empty();
    assertThat(empty.size()).isZero();
    assertThat(empty.match(TestRequest.of("a.com", "/"))).isNull();
    assertThat(RouteTable.<String>build(List.of()).match(TestRequest.of("", "/"))).isNull();
  }

  @Test
  void sizeCountsEntries() {
    assertThat(table(route("a").prefix("/a"), route("b").hosts("x.com", "y.com")).size())
        .isEqualTo(2);
  }

  @Test
  void rejectsUnknownPathType() {
    assertThatThrownBy(() -> table(route("a").path(new HttpRoute.PathMatch("Glob", "/a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "default/a[0][0].path.type: Glob (expected: Exact, PathPrefix or RegularExpression)");
  }

  @Nested
  class Paths {

    @Test
    void exactBeatsRegexAndPrefix() {
      RouteTable<String> t =
          table(
              route("prefix").prefix("/api"),
              route("regex").regex("/api/.*"),
              route("exact").exact("/api/users"));
      assertThat(target(t, "a.com", "/api/users")).isEqualTo("exact");
      assertThat(target(t, "a.com", "/api/users/1")).isEqualTo("regex");
    }

    @Test
    void exactMatchesOnlyTheWholePath() {
      RouteTable<String> t = table(route("exact").exact("/api"));
      assertThat(target(t, "a.com", "/api")).isEqualTo("exact");
      assertThat(target(t, "a.com", "/api/")).isNull();
      assertThat(target(t, "a.com", "/api/x")).isNull();
    }

    @Test
    void regexBeatsLongerPrefixAndMustMatchTheWholePath() {
      RouteTable<String> t =
          table(route("prefix").prefix("/api/v1/users"), route("regex").regex("/api/v[0-9]+"));
      assertThat(target(t, "a.com", "/api/v1")).isEqualTo("regex");
      assertThat(target(t, "a.com", "/api/v1/users")).isEqualTo("prefix");
      assertThat(target(t, "a.com", "/api/v1x")).isNull();
    }

    @Test
    void regexEntriesAreTriedInPrecedenceOrder() {
      RouteTable<String> t =
          table(
              route("b-any").regex("/items/.*"),
              route("a-digits").regex("/items/[0-9]+"),
              route("get").regex("/items/[a-z0-9]+").method("GET"));
      assertThat(target(t, "a.com", "/items/42")).isEqualTo("get");
      assertThat(target(t, TestRequest.of("a.com", "/items/42").method("PUT")))
          .isEqualTo("a-digits");
      assertThat(target(t, TestRequest.of("a.com", "/items/x-y").method("PUT")))
          .isEqualTo("b-any");
    }

    @Test
    void longestPrefixWins() {
      RouteTable<String> t =
          table(
              route("root").prefix("/"),
              route("api").prefix("/api"),
              route("users").prefix("/api/users"));
      assertThat(target(t, "a.com", "/api/users/7")).isEqualTo("users");
      assertThat(target(t, "a.com", "/api/orders")).isEqualTo("api");
      assertThat(target(t, "a.com", "/other")).isEqualTo("root");
    }

    @Test
    void prefixMatchesOnPathElementBoundaries() {
      RouteTable<String> t = table(route("foo").prefix("/foo"));
      assertThat(target(t, "a.com", "/foo")).isEqualTo("foo");
      assertThat(target(t, "a.com", "/foo/")).isEqualTo("foo");
      assertThat(target(t, "a.com", "/foo/bar")).isEqualTo("foo");
      assertThat(target(t, "a.com", "/foobar")).isNull();
      assertThat(target(t, "a.com", "/fo")).isNull();
      assertThat(target(t, "a.com", "/")).isNull();
    }

    @Test
    void trailingSlashInPrefixIsIgnored() {
      RouteTable<String> t = table(route("foo").prefix("/foo/"));
      assertThat(target(t, "a.com", "/foo")).isEqualTo("foo");
      assertThat(target(t, "a.com", "/foo/bar")).isEqualTo("foo");
      assertThat(target(t, "a.com", "/foobar")).isNull();
    }

    @Test
    void rootPrefixAndDefaultsMatchEverything() {
      assertThat(target(table(route("root").prefix("/")), "a.com", "/")).isEqualTo("root");
      assertThat(target(table(route("root").prefix("/")), "a.com", "/x/y")).isEqualTo("root");
      assertThat(target(table(route("none").noMatch()), "a.com", "/x")).isEqualTo("none");
      assertThat(target(table(route("nullPath")), "a.com", "/x")).isEqualTo("nullPath");
      assertThat(
              target(table(route("nullType").path(new HttpRoute.PathMatch(null, "/x"))),
                  "a.com", "/x/y"))
          .isEqualTo("nullType");
    }

    @Test
    void fallsBackToShorterPrefixWhenConditionsFail() {
      RouteTable<String> t =
          table(route("api").prefix("/api"), route("users").prefix("/api/users").method("POST"));
      assertThat(target(t, "a.com", "/api/users")).isEqualTo("api");
      assertThat(target(t, TestRequest.of("a.com", "/api/users").method("POST")))
          .isEqualTo("users");
    }

    @Test
    void fallsBackFromExactToPrefixWhenConditionsFail() {
      RouteTable<String> t =
          table(route("prefix").prefix("/login"), route("exact").exact("/login").method("POST"));
      assertThat(target(t, "a.com", "/login")).isEqualTo("prefix");
    }
  }

  @Nested
  class SamePathPrecedence {

    @Test
    void methodSpecificBeforeNoMethod() {
      // "a" sorts first by name, so only the method rule can put "b" ahead.
      RouteTable<String> t =
          table(route("a").prefix("/x"), route("b").prefix("/x").method("get"));
      assertThat(target(t, "a.com", "/x")).isEqualTo("b");
      assertThat(target(t, TestRequest.of("a.com", "/x").method("DELETE"))).isEqualTo("a");
    }

    @Test
    void moreHeaderMatchesFirst() {
      RouteTable<String> t =
          table(
              route("a").prefix("/x").header("h1", "1"),
              route("b").prefix("/x").header("h1", "1").header("h2", "2"));
      assertThat(target(t, TestRequest.of("a.com", "/x").header("h1", "1").header("h2", "2")))
          .isEqualTo("b");
      assertThat(target(t, TestRequest.of("a.com", "/x").header("h1", "1"))).isEqualTo("a");
    }

    @Test
    void methodOutranksHeaders() {
      RouteTable<String> t =
          table(route("a").prefix("/x").header("h", "1"), route("b").prefix("/x").method("GET"));
      assertThat(target(t, TestRequest.of("a.com", "/x").header("h", "1"))).isEqualTo("b");
    }

    @Test
    void moreQueryMatchesFirst() {
      RouteTable<String> t =
          table(
              route("a").prefix("/x").query("q1", "1"),
              route("b").prefix("/x").query("q1", "1").query("q2", "2"));
      assertThat(target(t, TestRequest.of("a.com", "/x").query("q1", "1").query("q2", "2")))
          .isEqualTo("b");
    }

    @Test
    void headersOutrankQueryParams() {
      RouteTable<String> t =
          table(
              route("a").prefix("/x").query("q1", "1").query("q2", "2"),
              route("b").prefix("/x").header("h", "1"));
      assertThat(
              target(t, TestRequest.of("a.com", "/x").header("h", "1").query("q1", "1")
                  .query("q2", "2")))
          .isEqualTo("b");
    }

    @Test
    void oldestCreationFirstAndNullIsNewest() {
      RouteTable<String> t =
          table(
              route("a").prefix("/x"),
              route("b").prefix("/x").created("2026-01-02T00:00:00Z"),
              route("c").prefix("/x").created("2026-01-01T00:00:00Z"));
      assertThat(target(t, "a.com", "/x")).isEqualTo("c");
      RouteTable<String> t2 =
          table(route("a").prefix("/x"), route("b").prefix("/x").created("2026-01-02T00:00:00Z"));
      assertThat(target(t2, "a.com", "/x")).isEqualTo("b");
    }

    @Test
    void namespaceThenNameAlphabetical() {
      RouteTable<String> t =
          table(
              route("a").namespace("zeta").prefix("/x"),
              route("z").namespace("alpha").prefix("/x"),
              route("y").namespace("alpha").prefix("/x"));
      assertThat(target(t, "a.com", "/x")).isEqualTo("y");
    }

    @Test
    void ruleIndexThenMatchIndex() {
      RouteTable<String> t =
          table(
              route("r").prefix("/x").index(1, 0),
              route("r").prefix("/x").index(0, 2),
              route("r").prefix("/x").index(0, 1));
      assertThat(target(t, "a.com", "/x")).isEqualTo("r#0.1");
    }

    @Test
    void nextCandidateIsTriedWhenConditionsFail() {
      RouteTable<String> t =
          table(
              route("a").prefix("/x").header("h", "1").header("h2", "2"),
              route("b").prefix("/x").header("h", "1"),
              route("c").prefix("/x"));
      assertThat(target(t, TestRequest.of("a.com", "/x").header("h", "1"))).isEqualTo("b");
      assertThat(target(t, TestRequest.of("a.com", "/x").header("h", "2"))).isEqualTo("c");
    }
  }

  @Nested
  class Conditions {

    @Test
    void methodMustMatch() {
      RouteTable<String> t = table(route("post").prefix("/").method("POST"));
      assertThat(target(t, "a.com", "/")).isNull();
      assertThat(target(t, TestRequest.of("a.com", "/").method("POST"))).isEqualTo("post");
    }

    @Test
    void headerNamesAreCaseInsensitiveAndValuesExact() {
      RouteTable<String> t = table(route("h").prefix("/").header("X-Env", "Canary"));
      assertThat(target(t, TestRequest.of("a.com", "/").header("x-env", "Canary")))
          .isEqualTo("h");
      assertThat(target(t, TestRequest.of("a.com", "/").header("x-env", "canary"))).isNull();
      assertThat(target(t, TestRequest.of("a.com", "/"))).isNull();
    }

    @Test
    void headerRegexMustMatchTheWholeValue() {
      RouteTable<String> t = table(route("h").prefix("/").headerRegex("user-agent", "curl/.*"));
      assertThat(target(t, TestRequest.of("a.com", "/").header("User-Agent", "curl/8.0")))
          .isEqualTo("h");
      assertThat(target(t, TestRequest.of("a.com", "/").header("User-Agent", "x curl/8.0")))
          .isNull();
    }

    @Test
    void allHeadersMustMatch() {
      RouteTable<String> t = table(route("h").prefix("/").header("a", "1").header("b", "2"));
      assertThat(target(t, TestRequest.of("a.com", "/").header("a", "1"))).isNull();
      assertThat(target(t, TestRequest.of("a.com", "/").header("a", "1").header("b", "2")))
          .isEqualTo("h");
    }

    @Test
    void queryParamsExactOrRegexAndNamesCaseSensitive() {
      RouteTable<String> t =
          table(route("q").prefix("/").query("v", "2").queryRegex("id", "[0-9]+"));
      assertThat(target(t, TestRequest.of("a.com", "/").query("v", "2").query("id", "42")))
          .isEqualTo("q");
      assertThat(target(t, TestRequest.of("a.com", "/").query("v", "2").query("id", "4x")))
          .isNull();
      assertThat(target(t, TestRequest.of("a.com", "/").query("V", "2").query("id", "42")))
          .isNull();
    }
  }

  @Nested
  class Hosts {

    @Test
    void exactHostBeatsWildcardBeatsCatchAll() {
      RouteTable<String> t =
          table(
              route("any").prefix("/"),
              route("wild").hosts("*.example.com").prefix("/"),
              route("exact").hosts("api.example.com").prefix("/"));
      assertThat(target(t, "api.example.com", "/")).isEqualTo("exact");
      assertThat(target(t, "www.example.com", "/")).isEqualTo("wild");
      assertThat(target(t, "other.org", "/")).isEqualTo("any");
    }

    @Test
    void hostBucketOutranksPathSpecificity() {
      RouteTable<String> t =
          table(
              route("any").exact("/login"),
              route("exact").hosts("api.example.com").prefix("/"));
      assertThat(target(t, "api.example.com", "/login")).isEqualTo("exact");
    }

    @Test
    void longerWildcardBeforeShorter() {
      RouteTable<String> t =
          table(
              route("short").hosts("*.com").prefix("/"),
              route("long").hosts("*.eu.example.com").prefix("/"),
              route("mid").hosts("*.example.com").prefix("/"));
      assertThat(target(t, "a.eu.example.com", "/")).isEqualTo("long");
      assertThat(target(t, "a.us.example.com", "/")).isEqualTo("mid");
      assertThat(target(t, "a.org.com", "/")).isEqualTo("short");
    }

    @Test
    void wildcardMatchesOneOrMoreLabelsButNotTheSuffixItself() {
      RouteTable<String> t = table(route("wild").hosts("*.example.com").prefix("/"));
      assertThat(target(t, "a.example.com", "/")).isEqualTo("wild");
      assertThat(target(t, "a.b.example.com", "/")).isEqualTo("wild");
      assertThat(target(t, "example.com", "/")).isNull();
      assertThat(target(t, "badexample.com", "/")).isNull();
      assertThat(target(t, ".example.com", "/")).isNull();
      assertThat(target(t, "", "/")).isNull();
    }

    @Test
    void fallsBackToLessSpecificBucketsWhenNothingMatches() {
      RouteTable<String> t =
          table(
              route("exact").hosts("api.example.com").prefix("/admin"),
              route("long").hosts("*.api.example.com").prefix("/v2"),
              route("wild").hosts("*.example.com").prefix("/v1"),
              route("any").prefix("/"));
      assertThat(target(t, "api.example.com", "/admin/x")).isEqualTo("exact");
      assertThat(target(t, "api.example.com", "/v1")).isEqualTo("wild");
      assertThat(target(t, "x.api.example.com", "/v2")).isEqualTo("long");
      assertThat(target(t, "x.api.example.com", "/v1")).isEqualTo("wild");
      assertThat(target(t, "api.example.com", "/v2")).isEqualTo("any");
    }

    @Test
    void hostsAreCaseInsensitive() {
      RouteTable<String> t =
          table(
              route("exact").hosts("API.Example.com").prefix("/"),
              route("wild").hosts("*.EXAMPLE.com").prefix("/"));
      assertThat(target(t, "api.example.com", "/")).isEqualTo("exact");
      assertThat(target(t, "Api.Example.COM", "/")).isEqualTo("exact");
      assertThat(target(t, "WWW.example.COM", "/")).isEqualTo("wild");
    }

    @Test
    void entryWithSeveralHostnamesJoinsEachBucket() {
      RouteTable<String> t =
          table(route("multi").hosts("a.com", "*.b.com", "a.com").prefix("/"));
      assertThat(target(t, "a.com", "/")).isEqualTo("multi");
      assertThat(target(t, "x.b.com", "/")).isEqualTo("multi");
      assertThat(target(t, "c.com", "/")).isNull();
    }
  }

  @Test
  void tenThousandRoutesAnswerSampledRequests() {
    int hosts = 500;
    int routes = 10_000;
    List<RouteEntry<String>> entries = new ArrayList<>();
    for (int i = 0; i < routes; i++) {
      String host = "svc" + (i % hosts) + ".example.com";
      TestRoute r =
          switch (i % 4) {
            case 0 -> route("exact-" + i).hosts(host).exact("/api/r" + i);
            case 1 -> route("prefix-" + i).hosts(host).prefix("/api/r" + i);
            case 2 -> route("header-" + i).hosts(host).prefix("/api/r" + i).header("x-v", "" + i);
            default -> route("wild-" + i).hosts("*.zone" + i + ".example.com").prefix("/r" + i);
          };
      entries.add(r.build());
    }
    entries.add(route("fallback").prefix("/").build());
    Collections.shuffle(entries, new Random(7));
    RouteTable<String> t = RouteTable.build(entries);
    assertThat(t.size()).isEqualTo(routes + 1);

    Random random = new Random(42);
    for (int n = 0; n < 2_000; n++) {
      int i = random.nextInt(routes);
      String host = "svc" + (i % hosts) + ".example.com";
      switch (i % 4) {
        case 0 -> {
          assertThat(target(t, host, "/api/r" + i)).isEqualTo("exact-" + i);
          assertThat(target(t, host, "/api/r" + i + "/sub")).isEqualTo("fallback");
        }
        case 1 -> {
          assertThat(target(t, host, "/api/r" + i + "/sub/x")).isEqualTo("prefix-" + i);
          assertThat(target(t, "other" + host, "/api/r" + i)).isEqualTo("fallback");
        }
        case 2 -> {
          assertThat(target(t, TestRequest.of(host, "/api/r" + i).header("x-v", "" + i)))
              .isEqualTo("header-" + i);
          assertThat(target(t, host, "/api/r" + i)).isEqualTo("fallback");
        }
        default -> {
          assertThat(target(t, "a.b.zone" + i + ".example.com", "/r" + i + "/x"))
              .isEqualTo("wild-" + i);
          assertThat(target(t, "zone" + i + ".example.com", "/r" + i)).isEqualTo("fallback");
        }
      }
    }
  }

  @Test
  void inverseOf31IsCorrect() {
    assertThat(31 * SubstringTable.INVERSE_31).isEqualTo(1);
    String s = "/api/users/42";
    int h = s.hashCode();
    for (int i = s.length(); i > 0; i--) {
      h = (h - s.charAt(i - 1)) * SubstringTable.INVERSE_31;
      assertThat(h).isEqualTo(s.substring(0, i - 1).hashCode());
    }
  }

  @Test
  void substringTableFindsRegions() {
    SubstringTable<Integer> table =
        SubstringTable.of(Map.of("", 0, "/a", 1, "example.com", 2));
    String s = "x./a.example.com";
    assertThat(table.get(s, 2, 4, SubstringTable.hash(s, 2, 4))).isEqualTo(1);
    assertThat(table.get(s, 5, s.length(), SubstringTable.hash(s, 5, s.length()))).isEqualTo(2);
    assertThat(table.get(s, 3, 3, 0)).isEqualTo(0);
    assertThat(table.get("nope")).isNull();
    assertThat(table.size()).isEqualTo(3);
  }
}
