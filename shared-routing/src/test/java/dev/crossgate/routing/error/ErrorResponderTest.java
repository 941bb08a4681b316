package dev.crossgate.routing.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorResponderTest {

  @Test
  void proxyExceptionPassesThrough() {
    ProxyException original = new ProxyException(ErrorReason.ROUTE_NOT_FOUND, "no route");

    assertThat(ErrorResponder.classify(original)).isSameAs(original);
  }

  @Test
  void timeoutIsUpstreamTimeout() {
    ProxyException error = ErrorResponder.classify(new TimeoutException("idle for 60000 ms"));

    assertThat(error.reason()).isEqualTo(ErrorReason.UPSTREAM_TIMEOUT);
    assertThat(error.detail()).isEqualTo("idle for 60000 ms");
  }

  @Test
  void connectFailureIsUpstreamUnavailable() {
    ProxyException error = ErrorResponder.classify(new ConnectException("refused: /10.0.0.1:80"));

    assertThat(error.reason()).isEqualTo(ErrorReason.UPSTREAM_UNAVAILABLE);
    assertThat(error.detail()).isEqualTo("connect failed: refused: /10.0.0.1:80");
  }

  @Test
  void anAddressThatDoesNotResolveIsUpstreamUnavailable() {
    ProxyException error = ErrorResponder.classify(new java.net.UnknownHostException(
        "Failed to resolve 'users.internal' [A(1), AAAA(28)] after 2 queries"));

    assertThat(error.reason()).isEqualTo(ErrorReason.UPSTREAM_UNAVAILABLE);
    assertThat(error.detail()).isEqualTo("cannot resolve the backend's address: Failed to resolve"
        + " 'users.internal' [A(1), AAAA(28)] after 2 queries");
  }

  @Test
  void connectionRefusedInAnyMessageIsUpstreamUnavailable() {
    ProxyException error = ErrorResponder.classify(
        new RuntimeException("Connection refused: localhost/127.0.0.1:1"));

    assertThat(error.reason()).isEqualTo(ErrorReason.UPSTREAM_UNAVAILABLE);
  }

  @Test
  void closedConnectionIsUpstreamReset() {
    assertThat(ErrorResponder.classify(new HttpClosedException("closed")).reason())
        .isEqualTo(ErrorReason.UPSTREAM_RESET);
    assertThat(ErrorResponder.classify(new ClosedChannelException()).reason())
        .isEqualTo(ErrorReason.UPSTREAM_RESET);
  }

  @Test
  void connectionResetByTheBackendIsUpstreamResetNotInternal() {
    // What the JDK transport says, what Netty's epoll transport says (an IOException subclass),
    // and the latter wrapped as Vert.x may hand it over.
    ProxyException jdk = ErrorResponder.classify(new java.net.SocketException("Connection reset"));
    ProxyException epoll = ErrorResponder.classify(
        new java.io.IOException("recvAddress(..) failed: Connection reset by peer"));
    ProxyException wrapped = ErrorResponder.classify(new RuntimeException("write failed",
        new java.io.IOException("writevAddresses(..) failed: Broken pipe")));

    assertThat(jdk.reason()).isEqualTo(ErrorReason.UPSTREAM_RESET);
    assertThat(jdk.reason().status()).isEqualTo(502);
    assertThat(jdk.detail()).contains("reset the connection").contains("Connection reset");
    assertThat(epoll.reason()).isEqualTo(ErrorReason.UPSTREAM_RESET);
    assertThat(wrapped.reason()).isEqualTo(ErrorReason.UPSTREAM_RESET);
  }

  @Test
  void aResetMessageOutsideAnIoFailureStaysInternal() {
    assertThat(ErrorResponder.classify(new IllegalStateException("Connection reset")).reason())
        .isEqualTo(ErrorReason.INTERNAL);
  }

  @Test
  void anythingElseIsInternalWithItsMessageOrClassName() {
    ProxyException withMessage = ErrorResponder.classify(new IllegalStateException("oops"));
    ProxyException withoutMessage = ErrorResponder.classify(new NullPointerException());

    assertThat(withMessage.reason()).isEqualTo(ErrorReason.INTERNAL);
    assertThat(withMessage.detail()).isEqualTo("oops");
    assertThat(withoutMessage.reason()).isEqualTo(ErrorReason.INTERNAL);
    assertThat(withoutMessage.detail()).isEqualTo("NullPointerException");
  }

  @Test
  void proxyExceptionCarriesNoStackTrace() {
    assertThat(new ProxyException(ErrorReason.INTERNAL, "x").getStackTrace()).isEmpty();
  }

  @Test
  void reasonCodesAreUniqueSnakeCase() {
    assertThat(Arrays.stream(ErrorReason.values()).map(ErrorReason::code))
        .doesNotHaveDuplicates()
        .allSatisfy(code -> assertThat(code).matches("[a-z]+(_[a-z]+)*"));
  }

  @ParameterizedTest
  @EnumSource(ErrorReason.class)
  void everyReasonIsAClientOrServerErrorWithATitle(ErrorReason reason) {
    assertThat(reason.status()).isBetween(400, 599);
    assertThat(reason.title()).isNotBlank();
  }
}
