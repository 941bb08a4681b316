package dev.crossgate.policy.server.distribution;

import dev.crossgate.policy.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh endpoints an engine last served, kept in a file of its data directory
 * ({@value #FILE}) so that after a restart it can keep them, provisionally, until their sidecars
 * reconnect. Written on a thread of its own (never an event loop), the latest set only: writes
 * coalesce. {@link #stop} writes what is pending and stops writing, so the endpoints an engine
 * drops while it shuts down (its streams end) are not what it remembers.
 */
final class MeshEndpointMemory implements AutoCloseable {

  /** The file's name in the data directory. */
  static final String FILE = "mesh-endpoints.json";

  private static final Logger LOG = LoggerFactory.getLogger(MeshEndpointMemory.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One remembered endpoint.
   *
   * @param nodeId the sidecar that advertised it
   * @param service its service, {@code namespace/name}
   * @param address its inbound address
   * @param port its inbound port
   */
  record Remembered(String nodeId, String service, String address, int port) {}

  private final Path file;
  private final AtomicReference<List<Remembered>> pending = new AtomicReference<>();
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "crossgate-mesh-endpoint-memory");
    thread.setDaemon(true);
    return thread;
  });
  private volatile boolean stopped;

  private MeshEndpointMemory(Path file) {
    this.file = file;
  }

  /** The memory kept in {@code dataDirectory}. */
  static MeshEndpointMemory in(Path dataDirectory) {
    return new MeshEndpointMemory(dataDirectory.resolve(FILE));
  }

  /**
   * What was remembered, empty when nothing (or an unreadable file, which is logged). Reads the
   * file: call it off the event loop.
   */
  List<Remembered> load() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return decode(JSON.readTree(file.toFile()), file.toString());
    } catch (IOException | RuntimeException e) {
      LOG.warn("{} is unreadable ({}): no mesh endpoint kept from before this start", file,
          e.toString());
      return List.of();
    }
  }

  /**
   * The endpoints of a JSON array as {@link #encode} writes it; incomplete entries are skipped
   * and logged as coming from {@code source}.
   */
  static List<Remembered> decode(JsonNode array, String source) {
    List<Remembered> result = new ArrayList<>();
    for (JsonNode node : array) {
      String nodeId = node.path("nodeId").asText("");
      String service = node.path("service").asText("");
      String address = node.path("address").asText("");
      int port = node.path("port").asInt(0);
      if (nodeId.isEmpty() || service.indexOf('/') < 1 || address.isEmpty() || port < 1
          || port > 65535) {
        LOG.warn("{}: ignoring an incomplete entry {}", source, node);
        continue;
      }
      result.add(new Remembered(nodeId, service, address, port));
    }
    return List.copyOf(result);
  }

  /** {@code endpoints} as a JSON array of {@code {nodeId, service, address, port}}. */
  static ArrayNode encode(List<Remembered> endpoints) {
    ArrayNode array = JSON.createArrayNode();
    for (Remembered endpoint : endpoints) {
      array.addObject().put("nodeId", endpoint.nodeId()).put("service", endpoint.service())
          .put("address", endpoint.address()).put("port", endpoint.port());
    }
    return array;
  }

  /** Remembers {@code endpoints} (replacing what was), written soon on the memory's thread. */
  void remember(List<Remembered> endpoints) {
    if (stopped) {
      return;
    }
    if (pending.getAndSet(List.copyOf(endpoints)) == null) {
      try {
        writer.execute(this::writePending);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // Stopped meanwhile: the engine shuts down, its last set is the one written.
      }
    }
  }

  private void writePending() {
    List<Remembered> endpoints = pending.getAndSet(null);
    if (endpoints == null) {
      return;
    }
    try {
      AtomicFiles.write(file, encode(endpoints).toString());
    } catch (IOException e) {
      LOG.warn("could not write {}: {}", file, e.toString());
    }
  }

  /** Writes what is pending and stops remembering (the engine is shutting down). */
  void stop() {
    stopped = true;
    writer.shutdown();
    try {
      if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("{} not written within 10 s", file);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
