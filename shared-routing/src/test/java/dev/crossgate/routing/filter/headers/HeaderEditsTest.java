package dev.crossgate.routing.filter.headers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.routing.filter.TestExchanges;
import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderEditsTest {

  private static HttpRoute.Header header(String name, String value) {
    return new HttpRoute.Header(name, value);
  }

  private static MultiMap headers() {
    return MultiMap.caseInsensitiveMultiMap()
        .add("Accept", "text/html")
        .add("Accept", "application/json")
        .add("X-Keep", "1")
        .add("X-Drop", "a")
        .add("x-drop", "b");
  }

  @Test
  void setReplacesEveryValue() {
    MultiMap headers = headers();

    new HeaderEdits(List.of(header("accept", "*/*"), header("X-New", "n")), List.of(), List.of())
        .applyTo(headers);

    assertThat(headers.getAll("Accept")).containsExactly("*/*");
    assertThat(headers.get("x-new")).isEqualTo("n");
    assertThat(headers.get("X-Keep")).isEqualTo("1");
  }

  @Test
  void addAppendsAfterExistingValues() {
    MultiMap headers = headers();

    new HeaderEdits(List.of(), List.of(header("ACCEPT", "text/plain"), header("X-New", "n")),
        List.of()).applyTo(headers);

    assertThat(headers.getAll("accept"))
        .containsExactly("text/html", "application/json", "text/plain");
    assertThat(headers.getAll("X-New")).containsExactly("n");
  }

  @Test
  void removeDeletesEveryValueWhateverTheCase() {
    MultiMap headers = headers();

    new HeaderEdits(List.of(), List.of(), List.of("X-DROP", "x-absent")).applyTo(headers);

    assertThat(headers.contains("x-drop")).isFalse();
    assertThat(headers.names()).containsExactlyInAnyOrder("Accept", "X-Keep");
  }

  @Test
  void appliesSetThenAddThenRemove() {
    MultiMap headers = headers();

    new HeaderEdits(List.of(header("X-Keep", "2")), List.of(header("x-keep", "3")),
        List.of("accept")).applyTo(headers);

    assertThat(headers.getAll("X-Keep")).containsExactly("2", "3");
    assertThat(headers.contains("Accept")).isFalse();
  }

  @Test
  void compilesFromTheModelWithMissingListsAsEmpty() {
    HeaderEdits edits = HeaderEdits.of(new HttpRoute.HeaderModifier(null,
        List.of(header("a", "1")), null));

    assertThat(edits.set()).isEmpty();
    assertThat(edits.add()).containsExactly(header("a", "1"));
    assertThat(edits.remove()).isEmpty();
  }

  @Test
  void requestFilterEditsUpstreamHeadersAndResponseFilterEditsResponseHeaders() {
    var exchange = TestExchanges.exchange("/");
    exchange.upstreamHeaders().add("X-Drop", "a");
    HeaderEdits edits = new HeaderEdits(List.of(header("X-Set", "s")), List.of(),
        List.of("x-drop"));

    new RequestHeaderModifierFilter(edits).onRequest(exchange);
    MultiMap response = MultiMap.caseInsensitiveMultiMap().add("x-drop", "r");
    exchange.responseHead(200, response);
    new ResponseHeaderModifierFilter(edits).onResponse(exchange);

    assertThat(exchange.upstreamHeaders().get("x-set")).isEqualTo("s");
    assertThat(exchange.upstreamHeaders().contains("x-drop")).isFalse();
    assertThat(response.get("X-Set")).isEqualTo("s");
    assertThat(response.contains("X-Drop")).isFalse();
  }
}
