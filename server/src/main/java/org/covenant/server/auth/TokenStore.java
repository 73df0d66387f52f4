package org.covenant.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.covenant.core.Sha256;
import org.covenant.format.Json;
import org.covenant.server.ServerException;

/**
 * The API tokens of a data directory: random 32-byte secrets, shown once when issued and stored
 * only as their SHA-256 in {@code DIR/keys/tokens.json} (mode 600, beside the log key, never in a
 * repository). Look-ups hash the presented secret and find it in a map, so they take the same time
 * whether or not a token matches.
 */
public final class TokenStore {
  /** The prefix of every secret, so leaked tokens are easy to scan for. */
  public static final String PREFIX = "cov_";

  /** A newly issued token with its secret, which is never stored. */
  public record Issued(ApiToken token, String secret) {}

  /**
   * Where tokens are kept besides memory: a data directory's file, or a table that several
   * servers share (docs/CLUSTER.md). Only hashes are ever handed to it.
   */
  public interface Backing {
    /** Every stored token. */
    List<ApiToken> load();

    /** Stores a newly issued token durably (the store's whole list is {@code all}). */
    void issued(ApiToken token, List<ApiToken> all);

    /** Removes a revoked token durably (the store's remaining list is {@code all}). */
    void revoked(ApiToken token, List<ApiToken> all);

    /** True when other processes may issue and revoke tokens in the same backing. */
    default boolean shared() {
      return false;
    }
  }

  /** At most one reload of a shared backing per this many nanoseconds on unknown secrets. */
  private static final long RELOAD_NANOS = 250_000_000L;

  private final Optional<Path> file;
  private final Optional<Backing> backing;
  private final SecureRandom random = new SecureRandom();
  private volatile Map<String, ApiToken> byHash = new ConcurrentHashMap<>();
  private volatile Map<String, ApiToken> byId = new ConcurrentHashMap<>();
  /**
   * When an unknown secret last caused a reload: the throttle counts only those, so a periodic
   * reload just before a token is issued elsewhere does not make it unknown for a while.
   */
  private volatile long reloaded = System.nanoTime() - RELOAD_NANOS;

  private TokenStore(Optional<Path> file) {
    this.file = file;
    this.backing = Optional.empty();
  }

  private TokenStore(Backing backing) {
    this.file = Optional.empty();
    this.backing = Optional.of(backing);
    reload();
  }

  /** Tokens kept only in memory (tests and scratch servers). */
  public static TokenStore inMemory() {
    return new TokenStore(Optional.empty());
  }

  /** Tokens kept in {@code backing} (a shared database table), loaded now. */
  public static TokenStore over(Backing backing) {
    return new TokenStore(java.util.Objects.requireNonNull(backing, "backing"));
  }

  /**
   * Reloads every token from a shared backing, so tokens another server issued or revoked take
   * effect here (servers call this every second; an unknown secret also triggers it, at most
   * four times a second). Does nothing for a file or memory store.
   */
  public synchronized void reload() {
    if (backing.isEmpty()) {
      return;
    }
    Map<String, ApiToken> hashes = new ConcurrentHashMap<>();
    Map<String, ApiToken> ids = new ConcurrentHashMap<>();
    for (ApiToken t : backing.get().load()) {
      hashes.put(t.sha256(), t);
      ids.put(t.id(), t);
    }
    byHash = hashes;
    byId = ids;
  }

  /** The tokens of a data directory, loading {@code DIR/keys/tokens.json} when it exists. */
  public static TokenStore open(Path dataDir) {
    Path f = dataDir.resolve("keys").resolve("tokens.json");
    TokenStore s = new TokenStore(Optional.of(f));
    if (Files.exists(f)) {
      try {
        JsonNode root = Json.parse(Files.readString(f, StandardCharsets.UTF_8));
        for (JsonNode n : root.path("tokens")) {
          ApiToken t = fromJson(n);
          s.byHash.put(t.sha256(), t);
          s.byId.put(t.id(), t);
        }
      } catch (IOException | RuntimeException e) {
        throw new ServerException("token_store_io", 500, "cannot read `" + f + "`", e);
      }
    }
    return s;
  }

  /** True when no token has been issued yet (first start). */
  public boolean isEmpty() {
    return byId.isEmpty();
  }

  /** Issues a token and persists its hash; the secret is in the result and nowhere else. */
  public Issued issue(TokenKind kind, String name, Optional<String> account,
      Optional<String> user, List<String> purposes, Instant now, Optional<Instant> expires) {
    return issue(kind, name, account, user, purposes, List.of(), Optional.empty(), now, expires);
  }

  /**
   * Issues a token, a service token bound to {@code accounts} with {@code role}, and persists its
   * hash; the secret is in the result and nowhere else.
   */
  public Issued issue(TokenKind kind, String name, Optional<String> account,
      Optional<String> user, List<String> purposes, List<String> accounts,
      Optional<ServiceRole> role, Instant now, Optional<Instant> expires) {
    return issue(kind, name, account, user, purposes, accounts, role, now, expires,
        Optional.empty());
  }

  /**
   * Issues a participant token for {@code binding} in the meeting of {@code account}, expiring
   * at {@code expires}; persists its hash.
   */
  public Issued issueParticipant(String name, String account, ParticipantBinding binding,
      Instant now, Instant expires) {
    return issue(TokenKind.PARTICIPANT, name, Optional.of(account), Optional.empty(), List.of(),
        List.of(), Optional.empty(), now, Optional.of(expires), Optional.of(binding));
  }

  private synchronized Issued issue(TokenKind kind, String name, Optional<String> account,
      Optional<String> user, List<String> purposes, List<String> accounts,
      Optional<ServiceRole> role, Instant now, Optional<Instant> expires,
      Optional<ParticipantBinding> binding) {
    byte[] secretBytes = new byte[32];
    random.nextBytes(secretBytes);
    String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    byte[] idBytes = new byte[6];
    random.nextBytes(idBytes);
    String id = "tok_" + HexFormat.of().formatHex(idBytes);
    ApiToken t = new ApiToken(id, kind, name, account, user, purposes, accounts, role, now,
        expires, sha256(secret), binding);
    byHash.put(t.sha256(), t);
    byId.put(id, t);
    try {
      if (backing.isPresent()) {
        backing.get().issued(t, list());
      } else {
        persist();
      }
    } catch (RuntimeException e) {
      // Not stored, not issued: a 5xx leaves no token behind.
      byHash.remove(t.sha256());
      byId.remove(id);
      throw e;
    }
    return new Issued(t, secret);
  }

  /** The token whose secret this is, if any (expired ones included: the caller tells apart). */
  public Optional<ApiToken> find(String secret) {
    String hash = sha256(secret);
    ApiToken t = byHash.get(hash);
    if (t == null && backing.isPresent() && backing.get().shared()
        && System.nanoTime() - reloaded > RELOAD_NANOS) {
      // Issued by another server since the last reload.
      reloaded = System.nanoTime();
      reload();
      t = byHash.get(hash);
    }
    return Optional.ofNullable(t);
  }

  /** The token with this id. */
  public Optional<ApiToken> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Every token, oldest first. */
  public List<ApiToken> list() {
    List<ApiToken> all = new ArrayList<>(byId.values());
    all.sort((a, b) -> a.created().compareTo(b.created()) != 0
        ? a.created().compareTo(b.created()) : a.id().compareTo(b.id()));
    return all;
  }

  /** Revokes a token; false when there was none with this id. */
  public synchronized boolean revoke(String id) {
    if (backing.isPresent() && backing.get().shared() && !byId.containsKey(id)) {
      reload();
    }
    ApiToken t = byId.remove(id);
    if (t == null) {
      return false;
    }
    byHash.remove(t.sha256());
    try {
      if (backing.isPresent()) {
        backing.get().revoked(t, list());
      } else {
        persist();
      }
    } catch (RuntimeException e) {
      // Not revoked on disk, so not revoked at all: the caller sees the failure and retries.
      byId.put(id, t);
      byHash.put(t.sha256(), t);
      throw e;
    }
    return true;
  }

  /** The wire form of a token, without any secret. */
  public static ObjectNode toJson(ApiToken t) {
    ObjectNode o = Json.object();
    o.put("id", t.id());
    o.put("kind", t.kind().id());
    o.put("name", t.name());
    t.account().ifPresent(a -> o.put("account", a));
    t.user().ifPresent(u -> o.put("user", u));
    if (t.kind() == TokenKind.SERVICE) {
      ArrayNode ps = o.putArray("purposes");
      t.purposes().forEach(ps::add);
      ArrayNode as = o.putArray("accounts");
      t.accounts().forEach(as::add);
      o.put("role", t.role().orElse(ServiceRole.DECISIONS).id());
    }
    t.participant().ifPresent(p -> {
      o.put("meeting", p.meeting());
      o.put("participant", p.participant());
      p.organisation().ifPresent(x -> o.put("organisation", x));
    });
    o.put("created", t.created().toString());
    t.expires().ifPresent(e -> o.put("expires", e.toString()));
    return o;
  }

  /** The stored form of a token: its wire form and the hash of its secret. */
  public static String storedJson(ApiToken t) {
    ObjectNode o = toJson(t);
    o.put("sha256", t.sha256());
    return Json.line(o);
  }

  /** A token from its {@link #storedJson stored form}. */
  public static ApiToken fromStoredJson(String json) {
    return fromJson(Json.parse(json));
  }

  private static ApiToken fromJson(JsonNode n) {
    List<String> purposes = new ArrayList<>();
    n.path("purposes").forEach(p -> purposes.add(p.asText()));
    List<String> accounts = new ArrayList<>();
    n.path("accounts").forEach(a -> accounts.add(a.asText()));
    // Service tokens issued before roles existed carry none: they act as `decisions`, and in no
    // account until reissued (fail closed).
    Optional<ServiceRole> role = Optional.ofNullable(n.get("role"))
        .flatMap(r -> ServiceRole.of(r.asText()));
    return new ApiToken(
        n.path("id").asText(),
        TokenKind.of(n.path("kind").asText()).orElseThrow(
            () -> new IllegalArgumentException("bad token kind " + n.path("kind"))),
        n.path("name").asText(),
        Optional.ofNullable(n.get("account")).map(JsonNode::asText),
        Optional.ofNullable(n.get("user")).map(JsonNode::asText),
        purposes,
        accounts,
        role,
        Instant.parse(n.path("created").asText()),
        Optional.ofNullable(n.get("expires")).map(x -> Instant.parse(x.asText())),
        n.path("sha256").asText(),
        n.hasNonNull("participant") ? Optional.of(new ParticipantBinding(
            n.path("meeting").asText(), n.path("participant").asText(),
            Optional.ofNullable(n.get("organisation")).map(JsonNode::asText)))
            : Optional.empty());
  }

  private void persist() {
    if (file.isEmpty()) {
      return;
    }
    Path f = file.get();
    ObjectNode root = Json.object();
    ArrayNode arr = root.putArray("tokens");
    Map<String, ApiToken> sorted = new LinkedHashMap<>();
    list().forEach(t -> sorted.put(t.id(), t));
    for (ApiToken t : sorted.values()) {
      ObjectNode o = toJson(t);
      o.put("sha256", t.sha256());
      arr.add(o);
    }
    try {
      Files.createDirectories(f.getParent());
      restrict(f.getParent(), "rwx------");
      Path tmp = Files.createTempFile(f.getParent(), ".tokens", ".tmp");
      restrict(tmp, "rw-------");
      Files.writeString(tmp, Json.pretty(root) + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new ServerException("token_store_io", 500, "cannot write `" + f + "`", e);
    }
  }

  private static void restrict(Path p, String perms) throws IOException {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: its default ACLs are all there is.
    }
  }

  /** One digest per thread: every request hashes its token. */
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(Sha256::newDigest);

  /** Hex SHA-256 of a secret. */
  static String sha256(String secret) {
    MessageDigest md = SHA256.get();
    md.reset();
    md.update(secret.getBytes(StandardCharsets.UTF_8));
    return Sha256.hex(md);
  }
}
