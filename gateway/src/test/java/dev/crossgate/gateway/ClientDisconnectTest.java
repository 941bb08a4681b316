package dev.crossgate.gateway;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.crossgate.testkit.BackendBehaviors;
import dev.crossgate.testkit.BackendExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Clients that reset their connection mid-stream, in either direction: the backend exchange is
 * cut, the disconnect is counted, and nothing is logged as an unhandled exception.
 */
class ClientDisconnectTest {

  @RegisterExtension static final BackendExtension FILES = new BackendExtension("files");

  @TempDir Path dir;
  GatewayFixture gateway;
  final ListAppender<ILoggingEvent> errors = new ListAppender<>();
  final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void start() throws Exception {
    errors.start();
    root.addAppender(errors);
    gateway = GatewayFixture.start(dir, Yaml.GATEWAY + Yaml.service("files", FILES.port())
        + Yaml.prefixRoute("files", "/", "[{name: files}]"));
  }

  @AfterEach
  void stop() {
    gateway.close();
    root.detachAppender(errors);
  }

  private java.util.List<String> errorLines() {
    return errors.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
        .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
            : ": " + e.getThrowableProxy().getMessage()))
        .toList();
  }

  /** Closes with a reset (RST), not a FIN. */
  private static void reset(Socket socket) throws Exception {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  private void untilNothingInFlight() throws Exception {
    Eventually.until("no request in flight toward the backend", () -> gateway.metric(
        "crossgate_endpoint_active_requests{backend=\"default/files\",endpoint=\"127.0.0.1:"
            + FILES.port() + "\"}") == 0);
  }

  @Test
  void clientResettingMidResponseBodyIsCountedNotLogged() throws Exception {
    FILES.backend().behave(BackendBehaviors.download(1L << 30)); // far more than will be read
    try (Socket socket = new Socket("127.0.0.1", gateway.server.port("http"))) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write("GET /big HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(US_ASCII));
      InputStream in = socket.getInputStream();
      assertThat(in.readNBytes(4 * 1024 * 1024)).hasSize(4 * 1024 * 1024);
      reset(socket);
    }
    Eventually.until("the disconnect is counted", () -> gateway.metric(
        "crossgate_client_disconnects_total{phase=\"response\"}") == 1);
    untilNothingInFlight();
    assertThat(errorLines()).isEmpty();
  }

  @Test
  void clientResettingMidRequestBodyIsCountedNotLogged() throws Exception {
    FILES.backend().behave(BackendBehaviors.echo("files")); // reads the whole body first
    try (Socket socket = new Socket("127.0.0.1", gateway.server.port("http"))) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 50000000\r\n\r\n")
          .getBytes(US_ASCII));
      out.write(new byte[1024 * 1024]);
      out.flush();
      Eventually.until("the upload reached the backend", () -> !FILES.backend().requests()
          .isEmpty() || gateway.metric("crossgate_endpoint_active_requests{backend=\""
          + "default/files\",endpoint=\"127.0.0.1:" + FILES.port() + "\"}") == 1);
      reset(socket);
    }
    Eventually.until("the disconnect is counted", () -> gateway.metric(
        "crossgate_client_disconnects_total{phase=\"request\"}") == 1);
    untilNothingInFlight();
    assertThat(errorLines()).isEmpty();
  }
}
