package org.covenant.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.covenant.core.decision.Decision;
import org.covenant.core.terms.Reason;
import org.covenant.format.Json;

/**
 * The decision log behind the transparency report: every online decision about an account's
 * content is counted by account, hour of use, purpose and outcome (verdict, basis, clauses,
 * reasons). Counting, not one record per decision, keeps the hot path at a map increment and the
 * report exact; the clause and reason lists say on which basis content was used and why it was
 * refused. Persisted as JSON lines of hourly deltas ({@code DIR/decisions/counts.jsonl}), flushed
 * once a second and replayed on start; each flush's summary becomes one leaf of the transparency
 * log (ARCHITECTURE.md §7, like a bulk job's one leaf).
 */
public final class DecisionLog implements AutoCloseable {
  private static final long HOUR = 3600;
  /**
   * The basis of a use of data the platform owns (service-generated data, ARCHITECTURE.md §1):
   * such uses are not uses of the customer's content, and the report counts them apart.
   */
  static final String PLATFORM_OWNED = "ownership";

  /** What one counter counts. */
  public record Key(String account, long hour, String purpose, String verdict,
      Optional<String> basis, List<String> clauses, List<String> reasons) {
    /** Validates and copies. */
    public Key {
      clauses = List.copyOf(clauses);
      reasons = List.copyOf(reasons);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && hour == k.hour && account.equals(k.account)
          && purpose.equals(k.purpose) && verdict.equals(k.verdict) && basis.equals(k.basis)
          && clauses.equals(k.clauses) && reasons.equals(k.reasons);
    }

    @Override
    public int hashCode() {
      int h = account.hashCode();
      h = 31 * h + Long.hashCode(hour);
      h = 31 * h + purpose.hashCode();
      h = 31 * h + verdict.hashCode();
      h = 31 * h + clauses.hashCode();
      return 31 * h + reasons.hashCode();
    }

    ObjectNode toJson() {
      ObjectNode o = Json.object();
      o.put("account", account);
      o.put("hour", Instant.ofEpochSecond(hour * HOUR).toString());
      o.put("purpose", purpose);
      o.put("verdict", verdict);
      basis.ifPresentOrElse(b -> o.put("basis", b), () -> o.putNull("basis"));
      ArrayNode cs = o.putArray("clauses");
      clauses.forEach(cs::add);
      ArrayNode rs = o.putArray("reasons");
      reasons.forEach(rs::add);
      return o;
    }

    static Key fromJson(JsonNode n) {
      List<String> cs = new ArrayList<>();
      n.path("clauses").forEach(x -> cs.add(x.asText()));
      List<String> rs = new ArrayList<>();
      n.path("reasons").forEach(x -> rs.add(x.asText()));
      JsonNode b = n.get("basis");
      return new Key(n.path("account").asText(),
          Instant.parse(n.path("hour").asText()).getEpochSecond() / HOUR,
          n.path("purpose").asText(), n.path("verdict").asText(),
          b == null || b.isNull() ? Optional.empty() : Optional.of(b.asText()), cs, rs);
    }
  }

  /** A flushed batch of counts: what the transparency log records. */
  public record Flush(long decisions, int counters, Instant at) {}

  /**
   * Where flushed counts are kept when several servers share them (docs/CLUSTER.md): every
   * server's flushed lines, and the summary of each flush for the transparency log's writer.
   */
  public interface Backing {
    /** Every stored line ({@code {"key":…,"count":…}}), from every server. */
    List<String> lines();

    /** Stores a flush's lines and its summary durably, together. */
    void append(List<String> lines, Flush summary);
  }

  private final Optional<Path> file;
  private final Optional<Backing> backing;
  private final Map<Key, AtomicLong> totals = new ConcurrentHashMap<>();
  /** What each counter stood at when last flushed: the next flush writes the difference. */
  private final Map<Key, Long> flushed = new java.util.HashMap<>();
  private final AtomicLong recorded = new AtomicLong();

  private DecisionLog(Optional<Path> file) {
    this.file = file;
    this.backing = Optional.empty();
  }

  private DecisionLog(Backing backing) {
    this.file = Optional.empty();
    this.backing = Optional.of(backing);
  }

  /**
   * A log whose flushes go to {@code backing}, shared with other servers: its report counts
   * every server's flushed decisions and this one's not yet flushed.
   */
  public static DecisionLog over(Backing backing) {
    return new DecisionLog(java.util.Objects.requireNonNull(backing, "backing"));
  }

  /** A log kept in memory only (scratch namespaces, tests). */
  public static DecisionLog inMemory() {
    return new DecisionLog(Optional.empty());
  }

  /** The log of a data directory, replaying {@code DIR/decisions/counts.jsonl}. */
  public static DecisionLog open(Path dataDir) {
    Path f = org.covenant.evidence.DataDirectory.at(dataDir).decisions().resolve("counts.jsonl");
    DecisionLog log = new DecisionLog(Optional.of(f));
    if (Files.exists(f)) {
      try {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode n;
          try {
            n = Json.parse(line);
          } catch (RuntimeException e) {
            // A torn last line after a crash: the counts before it stand.
            continue;
          }
          Key k = Key.fromJson(n.path("key"));
          long count = n.path("count").asLong();
          log.totals.computeIfAbsent(k, x -> new AtomicLong()).addAndGet(count);
          log.flushed.merge(k, count, Long::sum);
          log.recorded.addAndGet(count);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f, e);
      }
    }
    return log;
  }

  /** Counts {@code n} decisions like {@code d} about content of {@code account}, used at {@code at}. */
  public void record(String account, Instant at, String purpose, Decision d, long n) {
    List<String> reasons;
    if (d.reasons().size() == 1) {
      reasons = List.of(d.reasons().get(0).code());
    } else {
      reasons = new ArrayList<>(d.reasons().size());
      for (Reason r : d.reasons()) {
        reasons.add(r.code());
      }
    }
    Key k = new Key(account, Math.floorDiv(at.getEpochSecond(), HOUR), purpose,
        d.verdict().id(), d.basis().map(b -> b.id()), d.clauses(), reasons);
    AtomicLong c = totals.get(k);
    if (c == null) {
      c = totals.computeIfAbsent(k, x -> new AtomicLong());
    }
    c.addAndGet(n);
    recorded.addAndGet(n);
  }

  /** Decisions recorded since the log was created (persisted ones included). */
  public long recorded() {
    return recorded.get();
  }

  /**
   * Writes the counts recorded since the last flush and syncs them; empty when there were none
   * or the log is in memory.
   */
  public synchronized Optional<Flush> flush(Instant at) {
    if (file.isEmpty() && backing.isEmpty()) {
      return Optional.empty();
    }
    List<String> lines = new ArrayList<>();
    Map<Key, Long> now = new java.util.HashMap<>();
    long n = 0;
    for (Map.Entry<Key, AtomicLong> e : totals.entrySet()) {
      long total = e.getValue().get();
      long c = total - flushed.getOrDefault(e.getKey(), 0L);
      if (c == 0) {
        continue;
      }
      now.put(e.getKey(), total);
      ObjectNode line = Json.object();
      line.set("key", e.getKey().toJson());
      line.put("count", c);
      lines.add(Json.line(line));
      n += c;
    }
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    if (backing.isPresent()) {
      Flush summary = new Flush(n, lines.size(), at);
      backing.get().append(lines, summary);
      flushed.putAll(now);
      return Optional.of(summary);
    }
    Path f = file.get();
    try {
      org.covenant.store.PrivateFiles.createDirectories(f.getParent());
      try (FileChannel ch = FileChannel.open(f, java.util.Set.of(StandardOpenOption.CREATE,
              StandardOpenOption.WRITE, StandardOpenOption.APPEND),
              org.covenant.store.PrivateFiles.fileAttributes());
          BufferedWriter w = new BufferedWriter(java.nio.channels.Channels.newWriter(ch,
              StandardCharsets.UTF_8))) {
        for (String l : lines) {
          w.write(l);
          w.write('\n');
        }
        w.flush();
        ch.force(false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + f, e);
    }
    flushed.putAll(now);
    return Optional.of(new Flush(n, lines.size(), at));
  }

  /**
   * The transparency report of an account over {@code [from, to)} (whole hours containing them):
   * uses by purpose, basis and clauses; refusals by purpose and reasons; and an hourly series per
   * purpose of uses allowed, of those the ones of platform-owned data (basis {@code ownership}),
   * and of refusals.
   */
  public ObjectNode report(String account, Instant from, Instant to) {
    long fromH = Math.floorDiv(from.getEpochSecond(), HOUR);
    long toH = Math.floorDiv(to.getEpochSecond() - 1, HOUR);
    Map<String, long[]> uses = new TreeMap<>();
    Map<String, ObjectNode> useRows = new TreeMap<>();
    Map<String, long[]> refusals = new TreeMap<>();
    Map<String, ObjectNode> refusalRows = new TreeMap<>();
    Map<String, long[]> series = new TreeMap<>();
    long allowed = 0;
    long denied = 0;
    for (Map.Entry<Key, Long> e : counts().entrySet()) {
      Key k = e.getKey();
      long c = e.getValue();
      if (!k.account().equals(account) || k.hour() < fromH || k.hour() > toH || c == 0) {
        continue;
      }
      boolean allow = "allow".equals(k.verdict());
      String hourText = Instant.ofEpochSecond(k.hour() * HOUR).toString();
      long[] point = series.computeIfAbsent(hourText + "\u0000" + k.purpose(), x -> new long[3]);
      point[allow ? 0 : 1] += c;
      if (allow && k.basis().filter(PLATFORM_OWNED::equals).isPresent()) {
        point[2] += c;
      }
      if (allow) {
        allowed += c;
        String id = k.purpose() + "|" + k.basis().orElse("") + "|" + k.clauses();
        uses.computeIfAbsent(id, x -> new long[1])[0] += c;
        useRows.computeIfAbsent(id, x -> {
          ObjectNode o = Json.object();
          o.put("purpose", k.purpose());
          o.put("basis", k.basis().orElse(""));
          ArrayNode cs = o.putArray("clauses");
          k.clauses().forEach(cs::add);
          return o;
        });
      } else {
        denied += c;
        String id = k.purpose() + "|" + k.reasons() + "|" + k.clauses();
        refusals.computeIfAbsent(id, x -> new long[1])[0] += c;
        refusalRows.computeIfAbsent(id, x -> {
          ObjectNode o = Json.object();
          o.put("purpose", k.purpose());
          o.put("reason", k.reasons().isEmpty() ? "" : k.reasons().get(0));
          ArrayNode rs = o.putArray("reasons");
          k.reasons().forEach(rs::add);
          ArrayNode cs = o.putArray("clauses");
          k.clauses().forEach(cs::add);
          return o;
        });
      }
    }
    ObjectNode out = Json.object();
    out.put("account", account);
    out.put("from", from.toString());
    out.put("to", to.toString());
    out.put("decisions", allowed + denied);
    out.put("allowed", allowed);
    out.put("denied", denied);
    ArrayNode u = out.putArray("uses");
    uses.forEach((id, c) -> u.add(useRows.get(id).put("count", c[0])));
    ArrayNode r = out.putArray("refusals");
    refusals.forEach((id, c) -> r.add(refusalRows.get(id).put("count", c[0])));
    ArrayNode s = out.putArray("series");
    series.forEach((id, c) -> {
      int cut = id.indexOf('\u0000');
      ObjectNode o = Json.object();
      o.put("hour", id.substring(0, cut));
      o.put("purpose", id.substring(cut + 1));
      o.put("allowed", c[0]);
      o.put("denied", c[1]);
      o.put("allowed_platform_owned", c[2]);
      s.add(o);
    });
    return out;
  }

  /** Every counter: this server's, or with a shared backing every server's flushed ones too. */
  private Map<Key, Long> counts() {
    Map<Key, Long> out = new java.util.HashMap<>();
    if (backing.isEmpty()) {
      totals.forEach((k, v) -> out.put(k, v.get()));
      return out;
    }
    // The stored lines and this server's unflushed remainder are read under the flush's lock:
    // a flush between the two reads would store counts after the lines were read and then mark
    // them flushed, and the report would miss them (seen as 2 of 7 decisions under load).
    synchronized (this) {
      for (String line : backing.get().lines()) {
        JsonNode n = Json.parse(line);
        out.merge(Key.fromJson(n.path("key")), n.path("count").asLong(), Long::sum);
      }
      totals.forEach((k, v) -> {
        long unflushed = v.get() - flushed.getOrDefault(k, 0L);
        if (unflushed != 0) {
          out.merge(k, unflushed, Long::sum);
        }
      });
    }
    return out;
  }

  @Override
  public void close() {
    flush(Instant.EPOCH);
  }
}
