package org.covenant.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.covenant.store.PrivateFiles;
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
 *
 * <p>New salts are appended to the journal {@code DIR/keys/salts.jsonl} (one line
 * {@code {"id":…,"salt":…}} each, synced once per {@link #batch}), not by rewriting
 * {@code salts.json}: a rewrite per page of log leaves made an import quadratic in the number of
 * people (docs/DECISIONS.md, "Salts journal"). Opening folds the journal into
 * {@code salts.json} when the journal has grown as large as it (so the rewrites stay linear in
 * total); an erasure appends a tombstone {@code {"erase":…}}, then folds at once, so a crash
 * between the two still erases. A torn last line (a crash mid-append) is ignored: the leaves
 * that would use its salt were never written.
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
  private final Optional<Path> journal;
  private final Optional<Backing> backing;
  private final Map<String, String> added = new java.util.HashMap<>();
  private final Map<String, String> salts = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  // Guarded by this.
  private int deferring;
  private final List<String> unsaved = new ArrayList<>();
  private long journalLines;

  private Pseudonyms(Optional<Path> file) {
    this.file = file;
    this.journal = file.map(f -> f.resolveSibling("salts.jsonl"));
    this.backing = Optional.empty();
  }

  private Pseudonyms(Backing backing) {
    this.file = Optional.empty();
    this.journal = Optional.empty();
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
    try {
      if (Files.exists(f)) {
        JsonNode n = Json.parse(Files.readString(f, StandardCharsets.UTF_8));
        n.properties().forEach(e -> p.salts.put(e.getKey(), e.getValue().asText()));
      }
      int base = p.salts.size();
      Path j = p.journal.get();
      if (Files.exists(j)) {
        p.replay(j);
        if (p.journalLines > 0 && p.journalLines >= base) {
          p.fold();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  private void replay(Path j) throws IOException {
    List<String> lines = Files.readAllLines(j, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      JsonNode n;
      try {
        n = Json.parse(line);
      } catch (RuntimeException e) {
        if (i == lines.size() - 1) {
          break; // torn by a crash mid-append: nothing used this salt
        }
        throw new IllegalStateException("`" + j + "` line " + (i + 1) + " is not a salt: "
            + e.getMessage(), e);
      }
      if (n.has("erase")) {
        salts.remove(n.path("erase").asText());
      } else {
        salts.put(n.path("id").asText(), n.path("salt").asText());
      }
      journalLines++;
    }
  }

  /** The pseudonym of a person id. */
  public synchronized String of(String id) {
    String salt = salts.get(id);
    if (salt == null) {
      byte[] b = new byte[16];
      random.nextBytes(b);
      salt = HexFormat.of().formatHex(b);
      salts.put(id, salt);
      unsaved.add(id);
      added.put(id, salt);
      if (deferring == 0) {
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
   * (also when it throws), instead of one write per new person: a page of log leaves costs one
   * synced append to the journal, not one per guest. Callers persist what the salts protect only
   * after this returns.
   */
  public synchronized <T> T batch(Supplier<T> body) {
    deferring++;
    try {
      return body.get();
    } finally {
      deferring--;
      if (deferring == 0 && !unsaved.isEmpty()) {
        persist();
      }
    }
  }

  /** Forgets a person's salt: their pseudonyms can no longer be linked to them. */
  public synchronized boolean erase(String id) {
    boolean had = salts.remove(id) != null;
    added.remove(id);
    if (had) {
      unsaved.remove(id);
      if (backing.isPresent()) {
        backing.get().erase(id);
      } else if (file.isPresent()) {
        ObjectNode tombstone = Json.object();
        tombstone.put("erase", id);
        appendLines(List.of(Json.line(tombstone)));
        fold();
      }
    }
    return had;
  }

  /** Appends the unsaved salts to the journal and syncs it. */
  private void persist() {
    if (backing.isPresent()) {
      if (!added.isEmpty()) {
        backing.get().add(Map.copyOf(added));
        added.clear();
      }
      unsaved.clear();
      return;
    }
    added.clear();
    if (file.isEmpty()) {
      unsaved.clear();
      return;
    }
    List<String> lines = new ArrayList<>(unsaved.size());
    for (String id : unsaved) {
      String salt = salts.get(id);
      if (salt != null) {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("salt", salt);
        lines.add(Json.line(o));
      }
    }
    appendLines(lines);
    unsaved.clear();
  }

  private void appendLines(List<String> lines) {
    StringBuilder text = new StringBuilder();
    for (String l : lines) {
      text.append(l).append('\n');
    }
    Path j = journal.get();
    try {
      Files.createDirectories(j.getParent());
      if (!Files.exists(j)) {
        PrivateFiles.createFile(j);
      }
      try (FileChannel ch = FileChannel.open(j, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        ByteBuffer buf = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(false);
      }
      journalLines += lines.size();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes every salt to {@code salts.json} (synced, atomically replaced), then drops the journal. */
  private void fold() {
    ObjectNode o = Json.object();
    new java.util.TreeMap<>(salts).forEach(o::put);
    Path f = file.get();
    try {
      Files.createDirectories(f.getParent());
      Path tmp = Files.createTempFile(f.getParent(), ".salts", ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap((Json.line(o) + "\n").getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(false);
      }
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(journal.get());
      journalLines = 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
