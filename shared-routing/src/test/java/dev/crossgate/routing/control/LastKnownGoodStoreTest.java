package dev.crossgate.routing.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.distribution.v1.Endpoint;
import dev.crossgate.policy.distribution.v1.ServiceEndpoints;
import dev.crossgate.policy.distribution.v1.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last-known-good file keeps a snapshot whole, mesh endpoints included, and refuses junk. */
class LastKnownGoodStoreTest {

  @TempDir Path dir;

  @Test
  void keepsTheResourcesAndTheMeshEndpoints() throws IOException {
    Snapshot snapshot = Snapshot.newBuilder().setRevision(7).setHash("abc")
        .setCreatedAtMillis(42).setResourcesJson("[]")
        .addMeshEndpoints(ServiceEndpoints.newBuilder().setNamespace("shop").setService("reviews")
            .addEndpoints(Endpoint.newBuilder().setAddress("10.0.0.1").setPort(4143))
            .addEndpoints(Endpoint.newBuilder().setAddress("10.0.0.2").setPort(4143)))
        .build();
    LastKnownGoodStore store = new LastKnownGoodStore(dir.resolve("state/lkg.json"));
    store.save(snapshot);

    assertThat(store.load()).hasValue(snapshot);
    assertThat(dir.resolve("state/lkg.json.tmp")).doesNotExist();
  }

  @Test
  void aFileThatIsNotASnapshotIsAPreciseError() throws IOException {
    Path file = dir.resolve("lkg.json");
    Files.writeString(file, "{\"revision\": 3}");
    assertThatThrownBy(() -> new LastKnownGoodStore(file).load())
        .isInstanceOf(IOException.class)
        .hasMessage(file + ": not a snapshot (expected: revision and resourcesJson)");
  }
}
