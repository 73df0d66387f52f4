package org.covenant.evidence.dsr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.covenant.format.Json;
import org.covenant.store.PrivateFiles;

/**
 * The register of data subject requests of a data directory ({@code DIR/dsr/requests.json};
 * docs/DATA-RIGHTS-DSR.md, "Where requests are kept"): who asked what about whom, when it was
 * received, when it is due (received + the due period, 30 days unless configured) and its status.
 * Requests are the controller's case files, not governance state: they live beside the ledger,
 * owner-only like every file of the directory, and what they do to governance state (deletions,
 * the user's removal) is in the ledger. Thread-safe; every change is one atomic file write.
 */
public final class DsrRequests {
  /** The default period between receiving a request and its due date (GDPR Art. 12(3)). */
  public static final Duration DEFAULT_DUE = Duration.ofDays(30);

  /** What a request asks for. */
  public enum Kind {
    /** A copy of every fact (right of access). */
    EXPORT,
    /** Erasure of the person. */
    ERASE;

    /** The wire name. */
    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Where a request stands. */
  public enum Status {
    /** Received, not yet fulfilled. */
    RECEIVED,
    /** Fulfilled in full. */
    COMPLETED,
    /** Fulfilled except for content under legal hold (listed in the result). */
    COMPLETED_WITH_HOLDS,
    /** Could not be fulfilled (the result says why). */
    REFUSED;

    /** The wire name. */
    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One request.
   *
   * @param id {@code dsr-N}, in order of receipt
   * @param account the account the person belongs to
   * @param subject the person (a user of the account)
   * @param kind export or erase
   * @param by who recorded or fulfilled it (an owner or admin, or {@code operator})
   * @param receivedAt when it was received
   * @param due when it must be fulfilled
   * @param status where it stands
   * @param completedAt when it was fulfilled or refused
   * @param result what fulfilling it did (counts, deleted and held content, the refusal's code)
   */
  public record Request(String id, String account, String subject, Kind kind, String by,
      Instant receivedAt, Instant due, Status status, Optional<Instant> completedAt,
      Optional<ObjectNode> result) {
    /** Validates. */
    public Request {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(by, "by");
      Objects.requireNonNull(receivedAt, "receivedAt");
      Objects.requireNonNull(due, "due");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(completedAt, "completedAt");
      Objects.requireNonNull(result, "result");
    }

    /** Whether it is still open after its due date at {@code now}. */
    public boolean overdue(Instant now) {
      return status == Status.RECEIVED && now.isAfter(due);
    }

    /** The request as the API and {@code covenant dsr list} show it. */
    public ObjectNode toJson(Instant now) {
      ObjectNode o = Json.object();
      o.put("id", id);
      o.put("account", account);
      o.put("subject", subject);
      o.put("kind", kind.wire());
      o.put("by", by);
      o.put("received_at", receivedAt.toString());
      o.put("due", due.toString());
      o.put("status", status.wire());
      o.put("overdue", overdue(now));
      completedAt.ifPresent(t -> o.put("completed_at", t.toString()));
      result.ifPresent(r -> o.set("result", r));
      return o;
    }

    Request done(Status s, Instant at, ObjectNode r) {
      return new Request(id, account, subject, kind, by, receivedAt, due, s, Optional.of(at),
          Optional.of(r));
    }
  }

  /**
   * Where the register is kept when not in a data directory: a database the members of a cluster
   * share (docs/CLUSTER.md), as one JSON array, like the file.
   */
  public interface Backing {
    /**
     * Reads the register's text ({@code ""} when none), and stores what {@code change} makes of
     * it (nothing when it returns null), atomically with respect to every other process.
     */
    void update(java.util.function.UnaryOperator<String> change);
  }

  private final Optional<Path> file;
  private final Optional<Backing> backing;
  private final List<Request> requests = new ArrayList<>();

  private DsrRequests(Optional<Path> file, Optional<Backing> backing) {
    this.file = file;
    this.backing = backing;
  }

  /** The register kept in {@code backing} (a cluster's database). */
  public static DsrRequests over(Backing backing) {
    return new DsrRequests(Optional.empty(), Optional.of(Objects.requireNonNull(backing,
        "backing")));
  }

  /**
   * Runs {@code body} over the register read now, then stores it when {@code write}: one atomic
   * read-change-write, against the file (this process's lock) or the backing (every process's).
   */
  private <T> T locked(boolean write, java.util.function.Supplier<T> body) {
    if (backing.isEmpty()) {
      load();
      T out = body.get();
      if (write) {
        persist();
      }
      return out;
    }
    List<T> out = new ArrayList<>(1);
    backing.get().update(text -> {
      requests.clear();
      if (!text.isBlank()) {
        for (JsonNode n : Json.parse(text)) {
          requests.add(read((ObjectNode) n));
        }
      }
      out.clear();
      out.add(body.get());
      return write ? Json.pretty(toJson()) + "\n" : null;
    });
    return out.get(0);
  }

  /**
   * The register of a data directory (created on first write). Every operation reads the file
   * again, so a CLI command and a server on the same directory see each other's requests.
   */
  public static DsrRequests open(Path dataDir) {
    return new DsrRequests(Optional.of(dataDir.resolve("dsr").resolve("requests.json")),
        Optional.empty());
  }

  private void load() {
    requests.clear();
    Path file = this.file.orElseThrow();
    if (Files.exists(file)) {
      try {
        for (JsonNode n : Json.parse(Files.readString(file, StandardCharsets.UTF_8))) {
          requests.add(read((ObjectNode) n));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Records a request received at {@code at}, due {@code due} later. */
  public synchronized Request receive(String account, String subject, Kind kind, String by,
      Instant at, Duration due) {
    return locked(true, () -> {
      Request r = new Request("dsr-" + (requests.size() + 1), account, subject, kind, by, at,
          at.plus(due), Status.RECEIVED, Optional.empty(), Optional.empty());
      requests.add(r);
      return r;
    });
  }

  /** Marks request {@code id} fulfilled (or refused) with its result. */
  public synchronized Request complete(String id, Status status, Instant at, ObjectNode result) {
    Request done = locked(true, () -> {
      for (int i = 0; i < requests.size(); i++) {
        if (requests.get(i).id().equals(id)) {
          Request d = requests.get(i).done(status, at, result);
          requests.set(i, d);
          return d;
        }
      }
      return null;
    });
    if (done == null) {
      throw new DataRightsException("unknown_request", "no request `" + id + "`");
    }
    return done;
  }

  /** Request {@code id} of {@code account}, if any. */
  public synchronized Optional<Request> find(String account, String id) {
    return locked(false, () -> requests.stream()
        .filter(r -> r.id().equals(id) && r.account().equals(account)).findFirst());
  }

  /** The requests of {@code account} (every account when empty), in order of receipt. */
  public synchronized List<Request> list(Optional<String> account) {
    return locked(false, () -> requests.stream()
        .filter(r -> account.map(r.account()::equals).orElse(true)).toList());
  }

  private ArrayNode toJson() {
    ArrayNode a = Json.array();
    for (Request r : requests) {
      ObjectNode o = a.addObject();
      o.put("id", r.id());
      o.put("account", r.account());
      o.put("subject", r.subject());
      o.put("kind", r.kind().wire());
      o.put("by", r.by());
      o.put("received_at", r.receivedAt().toString());
      o.put("due", r.due().toString());
      o.put("status", r.status().wire());
      r.completedAt().ifPresent(t -> o.put("completed_at", t.toString()));
      r.result().ifPresent(x -> o.set("result", x));
    }
    return a;
  }

  private void persist() {
    ArrayNode a = toJson();
    Path file = this.file.orElseThrow();
    try {
      PrivateFiles.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".requests", ".tmp",
          PrivateFiles.fileAttributes());
      Files.writeString(tmp, Json.pretty(a) + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Request read(ObjectNode o) {
    return new Request(Json.str(o, "id"), Json.str(o, "account"), Json.str(o, "subject"),
        Kind.valueOf(Json.str(o, "kind").toUpperCase(java.util.Locale.ROOT)), Json.str(o, "by"),
        Instant.parse(Json.str(o, "received_at")), Instant.parse(Json.str(o, "due")),
        Status.valueOf(Json.str(o, "status").toUpperCase(java.util.Locale.ROOT)),
        Json.optStr(o, "completed_at").map(Instant::parse),
        Optional.ofNullable((ObjectNode) o.get("result")));
  }
}
