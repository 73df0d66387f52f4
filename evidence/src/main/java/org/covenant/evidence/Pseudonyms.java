package org.covenant.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.covenant.core.Sha256;
import org.covenant.format.Json;

/**
 * Salted pseudonyms for the personal fields of log leaves (ARCHITECTURE.md §7): each person gets a
 * random salt, kept in {@code DIR/keys/salts.json}, and appears in the public log only as
 * {@code sha256:HEX(SHA-256(salt || id))}. Erasing a person's salt erases them from the log
 * without breaking the tree.
 */
public final class Pseudonyms {
  /**
   * Where salts are kept when not in a data directory: a table the log's elected writers share
   * (docs/CLUSTER.md), so that a new writer names a person as the previous one did.
   */
  public interface Backing {
    /** Every stored salt by person id. */
    Map<String, String> load();

    /** Stores new salts durably (a person keeps the first salt stored for them). */
    void add(Map<String, String> salts);

    /** Erases a person's salt durably. */
    void erase(String id);
  }

  private final Optional<Path> file;
  private final Optional<Backing> backing;
  private final Map<String, String> added = new java.util.HashMap<>();
  private final Map<String, String> salts = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  // Guarded by this.
  private int deferring;
  private boolean dirty;

  private Pseudonyms(Optional<Path> file) {
    this.file = file;
    this.backing = Optional.empty();
  }

  private Pseudonyms(Backing backing) {
    this.file = Optional.empty();
    this.backing = Optional.of(backing);
    salts.putAll(backing.load());
  }

  /** The salts kept in {@code backing}, loaded now. */
  public static Pseudonyms over(Backing backing) {
    return new Pseudonyms(java.util.Objects.requireNonNull(backing, "backing"));
  }

  /** The salts of a data directory. */
  public static Pseudonyms open(Path dataDir) {
    Path f = dataDir.resolve("keys").resolve("salts.json");
    Pseudonyms p = new Pseudonyms(Optional.of(f));
    if (Files.exists(f)) {
      try {
        JsonNode n = Json.parse(Files.readString(f, StandardCharsets.UTF_8));
        n.properties().forEach(e -> p.salts.put(e.getKey(), e.getValue().asText()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return p;
  }

  /** The pseudonym of a person id. */
  public synchronized String of(String id) {
    String salt = salts.get(id);
    if (salt == null) {
      byte[] b = new byte[16];
      random.nextBytes(b);
      salt = HexFormat.of().formatHex(b);
      salts.put(id, salt);
      added.put(id, salt);
      if (deferring > 0) {
        dirty = true;
      } else {
        persist();
      }
    }
    MessageDigest md = Sha256.newDigest();
    md.update(HexFormat.of().parseHex(salt));
    md.update(id.getBytes(StandardCharsets.UTF_8));
    return Sha256.PREFIX + Sha256.hex(md);
  }

  /**
   * Runs {@code body} with the salts of the new people it names written once, when it ends
   * (also when it throws), instead of one rewrite of the file per new person: a page of log
   * leaves costs one write, not one per guest. Callers persist what the salts protect only after
   * this returns.
   */
  public synchronized <T> T batch(Supplier<T> body) {
    deferring++;
    try {
      return body.get();
    } finally {
      deferring--;
      if (deferring == 0 && dirty) {
        dirty = false;
        persist();
      }
    }
  }

  /** Forgets a person's salt: their pseudonyms can no longer be linked to them. */
  public synchronized boolean erase(String id) {
    boolean had = salts.remove(id) != null;
    added.remove(id);
    if (had) {
      if (backing.isPresent()) {
        backing.get().erase(id);
      } else {
        persist();
      }
    }
    return had;
  }

  private void persist() {
    if (backing.isPresent()) {
      if (!added.isEmpty()) {
        backing.get().add(Map.copyOf(added));
        added.clear();
      }
      return;
    }
    added.clear();
    if (file.isEmpty()) {
      return;
    }
    ObjectNode o = Json.object();
    new java.util.TreeMap<>(salts).forEach(o::put);
    Path f = file.get();
    try {
      Files.createDirectories(f.getParent());
      Path tmp = Files.createTempFile(f.getParent(), ".salts", ".tmp");
      Files.writeString(tmp, Json.line(o) + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
