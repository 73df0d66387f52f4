package org.covenant.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.covenant.core.Sha256;
import org.covenant.format.Json;
import org.covenant.store.PrivateFiles;

/**
 * Salted pseudonyms for the personal fields of log leaves (ARCHITECTURE.md §7): each person of
 * each account gets a random salt, kept in {@code DIR/keys/salts.json}, and appears in the public
 * log only as {@code sha256:HEX(SHA-256(salt || id))}. Erasing a person's salt erases them from
 * the log without breaking the tree.
 *
 * <p>Salts are keyed by (account, person id): the same id in two accounts is two people, with two
 * salts, so erasing one leaves the other linkable, and no tenant's ids shape another's pseudonyms
 * (docs/DECISIONS.md, "Salts per account"). Salts stored before that were keyed by the id alone;
 * they are kept as <em>legacy</em> salts, never used for a new leaf, and erased with any person of
 * that id (the one salt names the pre-migration leaves of every account's person of that id).
 *
 * <p>New salts are appended to the journal {@code DIR/keys/salts.jsonl} (one line
 * {@code {"account":…,"id":…,"salt":…}} each, synced once per {@link #batch}), not by rewriting
 * {@code salts.json}: a rewrite per page of log leaves made an import quadratic in the number of
 * people (docs/DECISIONS.md, "Salts journal"). Opening folds the journal into
 * {@code salts.json} when the journal has grown as large as it (so the rewrites stay linear in
 * total); an erasure appends a tombstone {@code {"account":…,"erase":…}}, then folds at once, so
 * a crash between the two still erases. A torn last line (a crash mid-append) is ignored: the
 * leaves that would use its salt were never written. Journal lines and files of the old form
 * ({@code {"id","salt"}}, {@code {"erase"}}, a flat {@code salts.json}) are read as legacy salts.
 */
public final class Pseudonyms {
  /**
   * Where salts are kept when not in a data directory: tables the log's elected writers share
   * (docs/CLUSTER.md), so that a new writer names a person as the previous one did.
   */
  public interface Backing {
    /** Every stored salt, by account, then person id. */
    Map<String, Map<String, String>> load();

    /** Every legacy salt (stored by person id alone, before salts were kept per account). */
    default Map<String, String> loadLegacy() {
      return Map.of();
    }

    /** Stores new salts durably, by account then person (a person keeps their first salt). */
    void add(Map<String, Map<String, String>> salts);

    /** Erases a person's salt of an account, and the legacy salt of their id, durably. */
    void erase(String account, String id);
  }

  private final Optional<Path> file;
  private final Optional<Path> journal;
  private final Optional<Backing> backing;
  // All guarded by this.
  /** Every salt, packed (issue 15): about 50 bytes a person instead of about 160. */
  private final SaltTable salts = new SaltTable();
  private final Map<String, String> legacy = new HashMap<>();
  private final Map<String, Map<String, String>> unsaved = new HashMap<>();
  private final SecureRandom random = new SecureRandom();
  private int deferring;
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
    backing.load().forEach((a, m) -> m.forEach((id, salt) -> salts.put(a, id, salt)));
    legacy.putAll(backing.loadLegacy());
  }

  /** The salts kept in {@code backing}, loaded now. */
  public static Pseudonyms over(Backing backing) {
    return new Pseudonyms(Objects.requireNonNull(backing, "backing"));
  }

  /** The salts of a data directory. */
  public static Pseudonyms open(Path dataDir) {
    Path f = dataDir.resolve("keys").resolve("salts.json");
    Pseudonyms p = new Pseudonyms(Optional.of(f));
    synchronized (p) {
      try {
        if (Files.exists(f) && !p.streamed(f)) {
          // Not in the form this version writes (or not readable as it): read as before, into
          // salts that are empty again, with the same answers and the same errors.
          p = new Pseudonyms(Optional.of(f));
          p.readFile(Json.parse(Files.readString(f, StandardCharsets.UTF_8)));
        }
        long base = p.size();
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
    }
    return p;
  }

  /**
   * {@code salts.json}: {@code {"accounts":{A:{U:salt}},"legacy":{U:salt}}}, or, as written
   * before salts were kept per account, a flat {@code {U:salt}} (all legacy). A flat file holds
   * only strings, so an object value tells the forms apart.
   */
  private void readFile(JsonNode n) {
    boolean keyed = false;
    for (var e : n.properties()) {
      keyed |= e.getValue().isObject();
    }
    if (!keyed) {
      n.properties().forEach(e -> legacy.put(e.getKey(), e.getValue().asText()));
      return;
    }
    n.path("accounts").properties().forEach(a -> a.getValue().properties()
        .forEach(e -> salts.put(a.getKey(), e.getKey(), e.getValue().asText())));
    n.path("legacy").properties().forEach(e -> legacy.put(e.getKey(), e.getValue().asText()));
  }

  /**
   * Reads {@code salts.json} as {@link #fold} writes it ({@code {"accounts":{A:{U:salt}},
   * "legacy":{U:salt}}}, every salt a string) token by token, straight into the tables; false,
   * with the tables partly filled, when the file is anything else or does not parse (the caller
   * then reads it whole, as {@link #readFile} always did). At 50M events the file is ≈ 250 MB:
   * read whole, as one string and then a tree of nodes, it cost ≈ 5 s of a start's thread and
   * as much again of the collector's (issue 15); streamed, neither the string nor the tree is
   * made.
   */
  /**
   * Without canonical field names: the ids are field names here, millions of them, and
   * interning each cost more than the tree. A name twice in an object is refused, as the tree
   * parser refuses it, by {@link #streamed(java.io.InputStream)} and the tables (issue 15: the
   * parser's own detection kept a set of every id of an account, a tenth of the thread).
   */
  private static final com.fasterxml.jackson.core.JsonFactory SALTS_JSON =
      new com.fasterxml.jackson.core.JsonFactoryBuilder()
          .disable(com.fasterxml.jackson.core.JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
          .disable(com.fasterxml.jackson.core.JsonFactory.Feature.INTERN_FIELD_NAMES)
          .build();

  private boolean streamed(Path f) throws IOException {
    try (java.io.BufferedInputStream in =
            new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
      in.mark(1);
      int first = in.read();
      in.reset();
      if (first != '{') {
        return false; // as fold writes it, the object's brace first (no byte-order mark)
      }
      return streamed(in);
    }
  }

  private boolean streamed(java.io.InputStream in) throws IOException {
    try (com.fasterxml.jackson.core.JsonParser p = SALTS_JSON.createParser(in)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        return false;
      }
      com.fasterxml.jackson.core.JsonToken t;
      // Each name once per object, as the tree parser has it: the two names, the accounts, the
      // ids of an account (the table tells) and the legacy ids.
      boolean sawAccounts = false;
      boolean sawLegacy = false;
      java.util.BitSet accountsSeen = new java.util.BitSet();
      while ((t = p.nextToken()) == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
          return false;
        }
        if (name.equals("accounts") && !sawAccounts) {
          sawAccounts = true;
          // Each salt stored without a look-up, and indexed once at the end (issue 15).
          while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
            String account = p.currentName();
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
              return false;
            }
            int number = salts.accountNumber(account);
            if (accountsSeen.get(number)) {
              return false;
            }
            accountsSeen.set(number);
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
              String id = p.currentName();
              if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                return false;
              }
              // The salt's characters as the parser holds them: no string made for a salt of
              // the regular form (issue 15: a string a salt was a fifth of this thread).
              if (!salts.putNew(number, account, id, p.getTextCharacters(), p.getTextOffset(),
                  p.getTextLength())) {
                return false;
              }
            }
          }
        } else if (name.equals("legacy") && !sawLegacy) {
          sawLegacy = true;
          while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
            String id = p.currentName();
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
              return false;
            }
            if (legacy.put(id, p.getText()) != null) {
              return false;
            }
          }
        } else {
          return false;
        }
      }
      // The object closed, and nothing after it.
      if (t != com.fasterxml.jackson.core.JsonToken.END_OBJECT || p.nextToken() != null) {
        return false;
      }
      return salts.index();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return false;
    } catch (RuntimeException e) {
      // A salt the table refuses: the whole read raises it, as it did.
      return false;
    }
  }

  private long size() {
    return legacy.size() + salts.size();
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
      boolean keyed = n.has("account");
      String account = n.path("account").asText();
      if (n.has("erase")) {
        String id = n.path("erase").asText();
        legacy.remove(id);
        if (keyed) {
          salts.remove(account, id);
        }
      } else if (keyed) {
        salts.put(account, n.path("id").asText(), n.path("salt").asText());
      } else {
        legacy.put(n.path("id").asText(), n.path("salt").asText());
      }
      journalLines++;
    }
  }

  /** The pseudonym of person {@code id} of {@code account}. */
  public synchronized String of(String account, String id) {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(id, "id");
    int slot = (account.hashCode() * 31 + id.hashCode()) & (RECENT - 1);
    if (id.equals(recentId[slot]) && account.equals(recentAccount[slot])) {
      return recentPseudonym[slot];
    }
    byte[] salt = salts.bytes(account, id);
    if (salt == null) {
      salt = new byte[16];
      random.nextBytes(salt);
      String hex = HexFormat.of().formatHex(salt);
      salts.put(account, id, hex);
      unsaved.computeIfAbsent(account, k -> new HashMap<>()).put(id, hex);
      if (deferring == 0) {
        persist();
      }
    }
    String pseudonym = pseudonym(salt, id);
    recentAccount[slot] = account;
    recentId[slot] = id;
    recentPseudonym[slot] = pseudonym;
    return pseudonym;
  }

  /**
   * The pseudonyms named last, by (account, id), in {@value #RECENT} slots (one entry a slot, the
   * newest wins): a person is named by several leaves close together (joined, acknowledged,
   * left, authored), and each naming looked up the salt and hashed again, a fifth of an import's
   * log feed thread (issue 15). An entry holds while its person's salt does: {@link #erase}
   * empties every slot, and a salt is only ever added where none was. Fixed size, so a server's
   * heap does not grow with its people.
   */
  private static final int RECENT = 4096;
  private final String[] recentAccount = new String[RECENT];
  private final String[] recentId = new String[RECENT];
  private final String[] recentPseudonym = new String[RECENT];

  /**
   * Whether {@code pseudonym} is person {@code id} of {@code account} under a salt still kept
   * (theirs, or the legacy salt of their id for leaves written before salts were per account).
   */
  public synchronized boolean links(String account, String id, String pseudonym) {
    String salt = salts.get(account, id);
    String old = legacy.get(id);
    return salt != null && pseudonym(salt, id).equals(pseudonym)
        || old != null && pseudonym(old, id).equals(pseudonym);
  }

  private String pseudonym(String salt, String id) {
    return pseudonym(HexFormat.of().parseHex(salt), id);
  }

  /**
   * One digest for every pseudonym, under this object's lock (every caller is synchronized):
   * {@code MessageDigest.getInstance} per leaf field was a provider look-up per call, and its
   * inlined tree made the log feed's leaf code the largest C2 compilations of an import.
   */
  private final MessageDigest sha = Sha256.newDigest();

  private String pseudonym(byte[] salt, String id) {
    sha.reset();
    sha.update(salt);
    sha.update(id.getBytes(StandardCharsets.UTF_8));
    return Sha256.PREFIX + Sha256.hex(sha);
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

  /**
   * Forgets the salt of person {@code id} of {@code account}, and the legacy salt of the id if
   * one is kept: their pseudonyms can no longer be linked to them. The same id of other accounts
   * keeps its salt (only their leaves written before salts were per account, under the legacy
   * salt, become unlinkable too: that one salt named both).
   *
   * @return whether a salt was erased
   */
  public synchronized boolean erase(String account, String id) {
    java.util.Arrays.fill(recentAccount, null);
    java.util.Arrays.fill(recentId, null);
    java.util.Arrays.fill(recentPseudonym, null);
    boolean had = salts.remove(account, id) != null;
    Map<String, String> u = unsaved.get(account);
    if (u != null) {
      u.remove(id);
      if (u.isEmpty()) {
        unsaved.remove(account);
      }
    }
    had |= legacy.remove(id) != null;
    if (had) {
      if (backing.isPresent()) {
        backing.get().erase(account, id);
      } else if (file.isPresent()) {
        ObjectNode tombstone = Json.object();
        tombstone.put("account", account);
        tombstone.put("erase", id);
        appendLines(List.of(Json.line(tombstone)));
        fold();
      }
    }
    return had;
  }

  /** Stores the unsaved salts: in the backing, or appended to the journal and synced. */
  private void persist() {
    if (unsaved.isEmpty()) {
      return;
    }
    if (backing.isPresent()) {
      Map<String, Map<String, String>> copy = new HashMap<>();
      unsaved.forEach((a, m) -> copy.put(a, Map.copyOf(m)));
      backing.get().add(copy);
    } else if (file.isPresent()) {
      List<String> lines = new ArrayList<>();
      unsaved.forEach((a, m) -> m.forEach((id, salt) -> lines.add(saltLine(a, id, salt))));
      appendLines(lines);
    }
    unsaved.clear();
  }

  /**
   * The journal line of one salt: {@code Json.line} of {@code {"account","id","salt"}}, written
   * without a tree when no string needs escaping (a tree per new person was a twentieth of an
   * import's log feed thread, issue 15); the tree otherwise, so the bytes are always its.
   */
  static String saltLine(String account, String id, String salt) {
    if (plain(account) && plain(id) && plain(salt)) {
      return new StringBuilder(40 + account.length() + id.length() + salt.length())
          .append("{\"account\":\"").append(account).append("\",\"id\":\"").append(id)
          .append("\",\"salt\":\"").append(salt).append("\"}").toString();
    }
    ObjectNode o = Json.object();
    o.put("account", account);
    o.put("id", id);
    o.put("salt", salt);
    return Json.line(o);
  }

  /** True when Jackson writes every char of {@code s} as is (no quote, backslash, control). */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
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
    ObjectNode accounts = o.putObject("accounts");
    Map<String, Map<String, String>> all = new TreeMap<>();
    salts.forEach((a, id, salt) -> all.computeIfAbsent(a, k -> new TreeMap<>()).put(id, salt));
    all.forEach((a, m) -> {
      if (!m.isEmpty()) {
        ObjectNode one = accounts.putObject(a);
        new TreeMap<>(m).forEach(one::put);
      }
    });
    ObjectNode old = o.putObject("legacy");
    new TreeMap<>(legacy).forEach(old::put);
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
