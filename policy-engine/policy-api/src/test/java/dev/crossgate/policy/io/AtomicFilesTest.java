package dev.crossgate.policy.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @TempDir Path dir;

  @Test
  void replacesTheWholeFileAndLeavesNoTemporary() throws Exception {
    Path file = dir.resolve("state.json");
    AtomicFiles.write(file, "{\"a\":1,\"long\":\"" + "x".repeat(1000) + "\"}");
    AtomicFiles.write(file, "{\"b\":2}");

    assertThat(Files.readString(file)).isEqualTo("{\"b\":2}");
    assertThat(Files.list(dir)).containsExactly(file);
  }

  @Test
  void aLeftoverTemporaryFromACrashIsReplaced() throws Exception {
    Path file = dir.resolve("state.json");
    Files.writeString(dir.resolve("state.json.tmp"), "half a wri");

    AtomicFiles.write(file, "whole");

    assertThat(Files.readString(file)).isEqualTo("whole");
    assertThat(Files.exists(dir.resolve("state.json.tmp"))).isFalse();
  }

  @Test
  void ownerOnlyFilesAreReadableByTheOwnerAlone() throws Exception {
    Path file = dir.resolve("key.pem");
    AtomicFiles.write(file, "secret", true);

    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
    assertThat(Files.readString(file)).isEqualTo("secret");
  }
}
