package org.covenant.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.covenant.core.Sha256;

/** The SHA-256 of a file's bytes, streamed (the I/O side of {@link Sha256}). */
public final class FileDigest {
  private FileDigest() {}

  /** The lowercase hex SHA-256 of the file's content. */
  public static String sha256(Path file) throws IOException {
    MessageDigest sha = Sha256.newDigest();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
        sha.update(buf, 0, r);
      }
    }
    return Sha256.hex(sha);
  }
}
