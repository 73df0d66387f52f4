package org.covenant.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKeyStoreTest {
  @TempDir Path dir;

  @Test
  void firstUse_generatesAPrivateKeyFile_laterUsesLoadIt() throws IOException {
    assertThat(FileKeyStore.load(dir)).isEmpty();
    NoteSigner created = FileKeyStore.loadOrCreate(dir, "covenant.test/log");
    Path file = FileKeyStore.keyFile(dir);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(Files.readString(file)).startsWith("PRIVATE+KEY+covenant.test/log+");
    NoteSigner loaded = FileKeyStore.loadOrCreate(dir, "ignored.name/log");
    assertThat(loaded.verifier()).isEqualTo(created.verifier());
    assertThat(FileKeyStore.load(dir).orElseThrow().verifier().keyText())
        .matches("covenant\\.test/log\\+[0-9a-f]{8}\\+A[Q-Za-f][A-Za-z0-9+/]{42}");
    try (var s = Files.list(file.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("log.key");
    }
  }

  @Test
  void aRelativeDataDirectoryOfOneName_getsItsKey() throws IOException {
    // `covenant log key --data k` from the working directory: "k" has no parent of its own
    Path rel = Path.of("target", "rel-key-" + ProcessHandle.current().pid()).getFileName();
    Path abs = rel.toAbsolutePath();
    try {
      assertThat(rel.getParent()).isNull();
      NoteSigner created = FileKeyStore.loadOrCreate(rel, "covenant.test/log");
      assertThat(FileKeyStore.load(abs).orElseThrow().verifier())
          .isEqualTo(created.verifier());
    } finally {
      Files.deleteIfExists(FileKeyStore.keyFile(abs));
      Files.deleteIfExists(FileKeyStore.keyFile(abs).getParent());
      Files.deleteIfExists(abs);
    }
  }

  @Test
  void unreadableKeyFile_isReportedWithoutEchoingIt() throws IOException {
    Files.createDirectories(FileKeyStore.keyFile(dir).getParent());
    Files.writeString(FileKeyStore.keyFile(dir), "PRIVATE+KEY+secret-looking-stuff");
    assertThatThrownBy(() -> FileKeyStore.loadOrCreate(dir, "x"))
        .isInstanceOf(LogException.class)
        .hasMessageStartingWith("bad_key")
        .hasMessageNotContaining("secret-looking-stuff");
  }
}
