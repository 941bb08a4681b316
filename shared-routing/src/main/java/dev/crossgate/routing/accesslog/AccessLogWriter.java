package dev.crossgate.routing.accesslog;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes access-log lines from a bounded queue on its own daemon thread, so the event loop only
 * enqueues. When the queue is full the line is dropped and counted, never waited for.
 */
public final class AccessLogWriter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AccessLogWriter.class);

  private final BlockingQueue<AccessLogEntry> queue;
  private final Writer out;
  private final Runnable onDrop;
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * A writer to {@code out}.
   *
   * @param capacity how many lines may wait
   * @param onDrop called (on the caller's thread) for each dropped line
   */
  public AccessLogWriter(OutputStream out, int capacity, Runnable onDrop) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
    this.onDrop = onDrop;
    this.thread = new Thread(this::drain, "crossgate-access-log");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Enqueues a line; never blocks. */
  public void log(AccessLogEntry entry) {
    if (!queue.offer(entry)) {
      onDrop.run();
    }
  }

  private void drain() {
    List<AccessLogEntry> batch = new ArrayList<>(256);
    while (running || !queue.isEmpty()) {
      try {
        AccessLogEntry first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 255);
        for (AccessLogEntry entry : batch) {
          out.write(entry.toJson());
          out.write('\n');
        }
        out.flush();
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException e) {
        LOG.warn("access log write failed: {}", e.toString());
        batch.clear();
      }
    }
  }

  /** Writes what is queued, then stops the thread. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(2000);
      out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.warn("access log flush failed: {}", e.toString());
    }
  }
}
