package dev.crossgate.policy.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossgate.policy.model.ObjectMeta;
import dev.crossgate.policy.model.PolicyBundle;
import dev.crossgate.policy.model.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyCodecTest {

  @Test
  void writesYamlShapeWithoutNullsOrEmptyLists() {
    Service service =
        new Service(
            "crossgate.dev/v1alpha1",
            new ObjectMeta("users", "shop", Map.of("app", "users"), Map.of(), Instant.parse("2024-05-01T12:00:00Z")),
            new Service.Spec(List.of(new Service.Endpoint("127.0.0.1", 9001)), null));
    assertThat(PolicyCodec.toJson(new PolicyBundle(List.of(service))))
        .isEqualTo(
            "[{\"apiVersion\":\"crossgate.dev/v1alpha1\",\"kind\":\"Service\",\"metadata\":"
                + "{\"name\":\"users\",\"namespace\":\"shop\",\"labels\":{\"app\":\"users\"},"
                + "\"creationTimestamp\":\"2024-05-01T12:00:00Z\"},\"spec\":{\"endpoints\":"
                + "[{\"address\":\"127.0.0.1\",\"port\":9001}]}}]");
  }

  @Test
  void everyExampleRoundTripsThroughJson() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Stream.concat(Files.list(Path.of("../../config-examples")),
        Files.list(Path.of("../../config-examples/migration")))) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).isNotEmpty()
        .anyMatch(file -> file.toString().endsWith("migration/6-strict.yaml"));
    for (Path file : files) {
      PolicyBundle bundle = PolicyLoader.loadPaths(List.of(file)).bundleOrThrow();

      LoadResult reloaded = PolicyLoader.loadString("dump.json", PolicyCodec.toJson(bundle));

      assertThat(reloaded.problems()).as(file.toString()).isEmpty();
      assertThat(reloaded.bundle()).as(file.toString()).isEqualTo(bundle);
      // One resource at a time joins into exactly the bundle's JSON (snapshots are built so).
      assertThat("[" + String.join(",", bundle.resources().stream().map(PolicyCodec::toJson)
          .toList()) + "]").as(file.toString()).isEqualTo(PolicyCodec.toJson(bundle));
    }
  }

  @Test
  void examplesLoadedTogetherAreRejectedAsDuplicates() {
    LoadResult all = PolicyLoader.loadPaths(List.of(Path.of("../../config-examples")));
    assertThat(all.ok()).isFalse();
    assertThat(all.problems())
        .extracting(ConfigProblem::message)
        .anyMatch(m -> m.startsWith("duplicate Gateway default/edge"));
  }
}
