package dev.crossgate.routing.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class HopByHopHeadersTest {

  @Test
  void removesTheStandardHopByHopHeaders() {
    MultiMap source = MultiMap.caseInsensitiveMultiMap()
        .add("Connection", "keep-alive")
        .add("Keep-Alive", "timeout=5")
        .add("TE", "trailers")
        .add("Transfer-Encoding", "chunked")
        .add("Upgrade", "websocket")
        .add("Proxy-Connection", "keep-alive")
        .add("Proxy-Authenticate", "Basic")
        .add("Proxy-Authorization", "Basic abc")
        .add("Trailer", "Expires")
        .add("Host", "example.com")
        .add("Accept", "*/*");

    MultiMap result = HopByHopHeaders.copyWithout(source);

    assertThat(result.names()).containsExactlyInAnyOrder("Host", "Accept");
  }

  @Test
  void removesEveryHeaderNamedInConnectionWhateverTheCaseAndSpacing() {
    MultiMap source = MultiMap.caseInsensitiveMultiMap()
        .add("connection", "X-Private , x-other")
        .add("CONNECTION", "Close,,X-Third")
        .add("x-private", "1")
        .add("X-OTHER", "2")
        .add("x-third", "3")
        .add("Close", "4")
        .add("X-Kept", "5");

    MultiMap result = HopByHopHeaders.copyWithout(source);

    assertThat(result.names()).containsExactly("X-Kept");
  }

  @Test
  void keepsOtherHeadersWithRepeatedValuesInOrder() {
    MultiMap source = MultiMap.caseInsensitiveMultiMap()
        .add("Accept", "text/html")
        .add("Cookie", "a=1")
        .add("Accept", "application/json")
        .add("cookie", "b=2")
        .add("Upgrade", "h2c");

    MultiMap result = HopByHopHeaders.copyWithout(source);

    assertThat(result.getAll("accept")).containsExactly("text/html", "application/json");
    assertThat(result.getAll("Cookie")).containsExactly("a=1", "b=2");
    assertThat(result.contains("upgrade")).isFalse();
  }

  @Test
  void returnsACopyAndLeavesTheSourceAlone() {
    MultiMap source = MultiMap.caseInsensitiveMultiMap().add("TE", "trailers").add("A", "1");

    MultiMap result = HopByHopHeaders.copyWithout(source);
    result.add("B", "2");

    assertThat(source.names()).containsExactlyInAnyOrder("TE", "A");
    assertThat(HopByHopHeaders.copyWithout(MultiMap.caseInsensitiveMultiMap()).isEmpty()).isTrue();
  }
}
