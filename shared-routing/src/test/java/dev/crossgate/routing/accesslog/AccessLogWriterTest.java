package dev.crossgate.routing.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AccessLogWriterTest {

  private static String requestIdOf(String line) {
    return new JsonObject(line).getString("request_id");
  }

  @Test
  void writesEveryLineInOrderByClose() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AtomicInteger drops = new AtomicInteger();

    try (AccessLogWriter writer = new AccessLogWriter(out, 1000, drops::incrementAndGet)) {
      for (int i = 0; i < 500; i++) {
        writer.log(AccessLogEntryTest.entry("r-" + i, -1, null));
      }
    }

    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(drops).hasValue(0);
    assertThat(lines).hasSize(500);
    for (int i = 0; i < 500; i++) {
      assertThat(requestIdOf(lines[i])).isEqualTo("r-" + i);
    }
  }

  @Test
  void dropsAndCountsLinesWhenTheQueueIsFull() throws InterruptedException {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    OutputStream blocked = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        writing.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        written.write(b, off, len);
      }
    };
    AtomicInteger drops = new AtomicInteger();
    AccessLogWriter writer = new AccessLogWriter(blocked, 1, drops::incrementAndGet);

    writer.log(AccessLogEntryTest.entry("first", -1, null));
    assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
    writer.log(AccessLogEntryTest.entry("queued", -1, null));
    writer.log(AccessLogEntryTest.entry("dropped-1", -1, null));
    writer.log(AccessLogEntryTest.entry("dropped-2", -1, null));

    assertThat(drops).hasValue(2);
    release.countDown();
    writer.close();

    assertThat(written.toString(StandardCharsets.UTF_8).split("\n"))
        .extracting(AccessLogWriterTest::requestIdOf)
        .containsExactly("first", "queued");
  }
}
