package dev.crossgate.routing.filter.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.routing.filter.TestExchanges;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextFilterTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_ID = "00f067aa0ba902b7";
  private static final String VALID = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";

  @ParameterizedTest
  @ValueSource(strings = {
      VALID,
      "00-" + TRACE_ID + "-" + PARENT_ID + "-00",
      "00-" + TRACE_ID + "-" + PARENT_ID + "-ff",
  })
  void acceptsVersionZeroWithNonZeroIds(String value) {
    assertThat(TraceContextFilter.isValid(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "01-" + TRACE_ID + "-" + PARENT_ID + "-01",
      "ff-" + TRACE_ID + "-" + PARENT_ID + "-01",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + PARENT_ID + "-01",
      "00-" + TRACE_ID + "-00F067AA0BA902B7-01",
      "00-" + TRACE_ID + "-" + PARENT_ID + "-0A",
      "00-00000000000000000000000000000000-" + PARENT_ID + "-01",
      "00-" + TRACE_ID + "-0000000000000000-01",
      "00-" + TRACE_ID + "-" + PARENT_ID + "-01-",
      "00-" + TRACE_ID + "-" + PARENT_ID + "-1",
      "00-" + TRACE_ID + "0-" + PARENT_ID + "-01",
      "00_" + TRACE_ID + "-" + PARENT_ID + "-01",
      "00-" + TRACE_ID + "_" + PARENT_ID + "-01",
      "00-" + TRACE_ID + "-" + PARENT_ID + "_01",
      "00-4bf92f3577b34da6a3ce929d0e0e473g-" + PARENT_ID + "-01",
      "",
  })
  void rejectsAnythingElse(String value) {
    assertThat(TraceContextFilter.isValid(value)).isFalse();
  }

  @RepeatedTest(50)
  void randomHexIsLowerCaseHexOfTheRightLengthAndNeverAllZero() {
    String hex = TraceContextFilter.randomHex(8);

    assertThat(hex).hasSize(16).matches("[0-9a-f]{16}").isNotEqualTo("0".repeat(16));
    assertThat(TraceContextFilter.randomHex(1)).matches("[0-9a-f][1-9a-f]");
  }

  @Test
  void keepsAValidTraceIdAndFlagsWithANewParentId() {
    var exchange = TestExchanges.exchange("/");
    exchange.upstreamHeaders().set("traceparent", VALID).set("tracestate", "k=v");

    new TraceContextFilter().onRequest(exchange);

    String sent = exchange.upstreamHeaders().get("traceparent");
    assertThat(TraceContextFilter.isValid(sent)).isTrue();
    assertThat(sent).startsWith("00-" + TRACE_ID + "-").endsWith("-01")
        .doesNotContain(PARENT_ID);
    assertThat(exchange.upstreamHeaders().get("tracestate")).isEqualTo("k=v");
    assertThat(exchange.upstreamHeaders().get("x-request-id")).isEqualTo("req-1");
  }

  @Test
  void startsANewTraceAndDropsTracestateWhenTheIncomingOneIsInvalid() {
    var exchange = TestExchanges.exchange("/");
    exchange.upstreamHeaders().set("traceparent", "garbage").set("tracestate", "k=v");

    new TraceContextFilter().onRequest(exchange);

    String sent = exchange.upstreamHeaders().get("traceparent");
    assertThat(TraceContextFilter.isValid(sent)).isTrue();
    assertThat(sent).endsWith("-01");
    assertThat(exchange.upstreamHeaders().contains("tracestate")).isFalse();
  }

  @Test
  void setsTheRequestIdOnTheResponse() {
    var exchange = TestExchanges.exchange("/");
    exchange.responseHead(200, MultiMap.caseInsensitiveMultiMap().set("x-request-id", "other"));

    new TraceContextFilter().onResponse(exchange);

    assertThat(exchange.responseHeaders().getAll("x-request-id")).containsExactly("req-1");
  }
}
