package org.covenant.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.format.Json;

/**
 * The lineage of a data directory ({@code DIR/training/}): every dataset build with the accounts
 * whose content it includes, every model version with the builds it was trained on, and the
 * consent withdrawals that reached them.
 *
 * <p><b>Withdrawal.</b> A {@code consent.withdrawn} of consent C by account A at ledger position
 * q reaches a build when the build's purpose depends on C (its manifest's {@code consents}), the
 * build's snapshot is older than q, and the build includes content A owns or contributed to.
 * Every model version trained on such a build that still holds A is flagged
 * {@value ModelRegistryEntry#RETRAIN_OR_UNLEARN} until a version that unlearned A replaces it.
 * Later builds exclude A on their own: the kernel denies. The server calls
 * {@link #consentWithdrawn} when it appends the event; the CLI calls {@link #sync} with the ledger
 * events it has not scanned yet, so a withdrawal made by any path is seen.
 *
 * <p>State lives in {@code registry.json} (rewritten atomically under a file lock, so processes
 * may share the directory) and {@code builds/BUILD.accounts} (a copy of each build's
 * {@code accounts.tsv}); with a PostgreSQL ledger ({@code --db}), in the ledger's schema instead
 * ({@link #postgres}: the same JSON document and copies), so every CLI and member sees one
 * registry (docs/CLUSTER.md, "What lives where").
 */
public final class LineageRegistry {
  /** Where the registry's document and the builds' accounts are kept. */
  public interface Backing {
    /**
     * Reads the registry's JSON text ({@code ""} when none), and stores what {@code change}
     * makes of it (nothing when null), atomically with respect to every other process.
     */
    void update(java.util.function.UnaryOperator<String> change);

    /** The registry's JSON text now ({@code ""} when none). */
    String read();

    /** Stores the accounts file of {@code build} (its {@code accounts.tsv}). */
    void putAccounts(String build, Path accountsTsv);

    /** The accounts file of {@code build}, as text lines' reader; empty when none. */
    Optional<BufferedReader> accounts(String build);
  }

  private final String where;
  private final Backing backing;

  private LineageRegistry(String where, Backing backing) {
    this.where = where;
    this.backing = backing;
  }

  /** The registry of a data directory (created on first write). */
  public static LineageRegistry open(Path dataDir) {
    Path dir = dataDir.resolve("training");
    return new LineageRegistry("`" + dir.resolve("registry.json") + "`", files(dir));
  }

  /**
   * The registry in the PostgreSQL schema of {@code ledger} (tables {@code lineage_registry}, one
   * row, and {@code lineage_build_accounts}), created when absent.
   */
  public static LineageRegistry postgres(org.covenant.store.LedgerConfig.Postgres ledger) {
    return new LineageRegistry("PostgreSQL schema `" + ledger.schema() + "`",
        PgLineage.open(ledger));
  }

  /** The registry kept by {@code backing}. */
  public static LineageRegistry over(String where, Backing backing) {
    return new LineageRegistry(where, Objects.requireNonNull(backing, "backing"));
  }

  private static Backing files(Path dir) {
    Path file = dir.resolve("registry.json");
    Path lockFile = dir.resolve("registry.lock");
    return new Backing() {
      @Override
      public void update(java.util.function.UnaryOperator<String> change) {
        try {
          Files.createDirectories(dir);
          try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE,
              StandardOpenOption.WRITE)) {
            FileLock lock = ch.lock();
            try {
              String next = change.apply(read());
              if (next != null) {
                Path temp = dir.resolve(".registry.json.tmp");
                Files.writeString(temp, next, StandardCharsets.UTF_8);
                try (FileChannel t = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                  t.force(true);
                }
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
              }
            } finally {
              lock.release();
            }
          }
        } catch (IOException e) {
          throw new TrainingException("lineage_io", "cannot update `" + file + "`: "
              + e.getMessage(), e);
        }
      }

      @Override
      public String read() {
        if (!Files.exists(file)) {
          return "";
        }
        try {
          return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new TrainingException("lineage_io", "cannot read `" + file + "`: "
              + e.getMessage(), e);
        }
      }

      @Override
      public void putAccounts(String build, Path accountsTsv) {
        try {
          Files.createDirectories(dir.resolve("builds"));
          Files.copy(accountsTsv, dir.resolve("builds").resolve(build + ".accounts"),
              StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException x) {
          throw new TrainingException("lineage_io", "cannot copy the accounts of build `"
              + build + "`: " + x.getMessage(), x);
        }
      }

      @Override
      public Optional<BufferedReader> accounts(String build) {
        Path f = dir.resolve("builds").resolve(build + ".accounts");
        try {
          return Optional.of(Files.newBufferedReader(f, StandardCharsets.UTF_8));
        } catch (java.nio.file.NoSuchFileException e) {
          return Optional.empty();
        } catch (IOException e) {
          throw new TrainingException("lineage_io", "cannot read `" + f + "`: "
              + e.getMessage(), e);
        }
      }
    };
  }

  /**
   * A registered dataset build.
   *
   * @param build the build id
   * @param purpose its purpose
   * @param at its time of use
   * @param ledgerPosition its snapshot
   * @param consents consents its answers depend on
   * @param dir where it was written
   * @param records corpus records
   * @param included records included
   * @param root the included ids' Merkle root
   * @param logIndex its leaf in the transparency log
   */
  public record BuildEntry(String build, String purpose, Instant at, long ledgerPosition,
      List<String> consents, String dir, long records, long included, String root,
      long logIndex) {
    /** Validates and copies. */
    public BuildEntry {
      Objects.requireNonNull(build, "build");
      consents = List.copyOf(consents);
    }
  }

  /**
   * What includes an account's content.
   *
   * @param account the account
   * @param builds builds with the records it owns and contributed to
   * @param models model versions trained on those builds that still hold it
   */
  public record Affected(String account, List<BuildShare> builds, List<ModelRegistryEntry> models) {}

  /**
   * An account's share of one build.
   *
   * @param build the build
   * @param owned included records it owns
   * @param contributed included records it contributed to
   */
  public record BuildShare(BuildEntry build, long owned, long contributed) {}

  /**
   * A withdrawal and the model versions it newly flagged.
   *
   * @param account the account
   * @param consent the consent
   * @param position its ledger position
   * @param builds the builds it reaches
   * @param flagged the model versions flagged by it
   */
  public record Withdrawal(String account, String consent, long position, List<String> builds,
      List<String> flagged) {}

  private static final class State {
    long scanned;
    final List<BuildEntry> builds = new ArrayList<>();
    final List<ModelRegistryEntry> models = new ArrayList<>();
  }

  /** Every build, oldest first. */
  public List<BuildEntry> builds() {
    return List.copyOf(load().builds);
  }

  /** Every model version, in registration order. */
  public List<ModelRegistryEntry> models() {
    return List.copyOf(load().models);
  }

  /** One model version. */
  public Optional<ModelRegistryEntry> model(String name, int version) {
    return load().models.stream().filter(m -> m.name().equals(name) && m.version() == version)
        .findFirst();
  }

  /** The newest version registered for a model file. */
  public Optional<ModelRegistryEntry> modelByFile(Path modelFile) {
    String f = modelFile.toAbsolutePath().normalize().toString();
    List<ModelRegistryEntry> ms = load().models;
    for (int i = ms.size() - 1; i >= 0; i--) {
      if (ms.get(i).file().equals(f)) {
        return Optional.of(ms.get(i));
      }
    }
    return Optional.empty();
  }

  /** One build. */
  public Optional<BuildEntry> build(String id) {
    return load().builds.stream().filter(b -> b.build().equals(id)).findFirst();
  }

  /** The last ledger position {@link #sync} has scanned. */
  public long scannedPosition() {
    return load().scanned;
  }

  /** Registers a build written to {@code datasetDir}. */
  public BuildEntry recordBuild(DatasetManifest m, Path datasetDir) {
    BuildEntry e = new BuildEntry(m.build(), m.purpose(), m.at(), m.ledgerPosition(),
        m.consents(), datasetDir.toAbsolutePath().normalize().toString(), m.records(),
        m.included(), m.includedRoot(), m.logIndex());
    return update(s -> {
      if (s.builds.stream().anyMatch(b -> b.build().equals(e.build()))) {
        return e;
      }
      backing.putAccounts(e.build(), datasetDir.resolve(DatasetManifest.ACCOUNTS));
      s.builds.add(e);
      return e;
    });
  }

  /**
   * Registers a model version trained on {@code builds} (the next version of {@code name}).
   *
   * @param unlearned accounts removed from it
   * @param derivedFrom the version it was unlearned from; its flags for other accounts carry over
   *     and its flags for the unlearned accounts are marked resolved by the new version
   */
  public ModelRegistryEntry registerModel(String name, List<String> builds, Path modelFile,
      String countsSha256, List<String> unlearned, Optional<Integer> derivedFrom, Instant now) {
    return update(s -> {
      int version = 1 + s.models.stream().filter(m -> m.name().equals(name))
          .mapToInt(ModelRegistryEntry::version).max().orElse(0);
      List<ModelRegistryEntry.Flag> inherited = new ArrayList<>();
      if (derivedFrom.isPresent()) {
        for (int i = 0; i < s.models.size(); i++) {
          ModelRegistryEntry old = s.models.get(i);
          if (!old.name().equals(name) || old.version() != derivedFrom.get()) {
            continue;
          }
          List<ModelRegistryEntry.Flag> updated = new ArrayList<>();
          for (ModelRegistryEntry.Flag f : old.flags()) {
            if (f.resolvedBy().isEmpty() && unlearned.contains(f.account())) {
              updated.add(new ModelRegistryEntry.Flag(f.account(), f.consent(), f.position(),
                  f.at(), Optional.of(version)));
            } else {
              updated.add(f);
              if (f.resolvedBy().isEmpty()) {
                inherited.add(f);
              }
            }
          }
          s.models.set(i, new ModelRegistryEntry(old.name(), old.version(), old.builds(),
              old.file(), old.countsSha256(), old.created(), old.unlearned(), old.derivedFrom(),
              updated));
        }
      }
      ModelRegistryEntry e = new ModelRegistryEntry(name, version, builds,
          modelFile.toAbsolutePath().normalize().toString(), countsSha256, now, unlearned,
          derivedFrom, inherited);
      s.models.add(e);
      return e;
    });
  }

  /**
   * Records a withdrawal (the server's entry point): flags every model version it reaches.
   * Idempotent per (account, consent, position).
   */
  public Withdrawal consentWithdrawn(String account, String consent, long position, Instant at) {
    return update(s -> withdraw(s, account, consent, position, at));
  }

  /**
   * Scans ledger events (those after {@link #scannedPosition()}, in order) for withdrawals and
   * records them. Returns the withdrawals that reached at least one build.
   */
  public List<Withdrawal> sync(List<StoredEvent> events) {
    return update(s -> {
      List<Withdrawal> out = new ArrayList<>();
      for (StoredEvent e : events) {
        if (e.position() <= s.scanned) {
          continue;
        }
        if (e.event() instanceof Event.ConsentWithdrawn w) {
          Withdrawal r = withdraw(s, w.account(), w.consent(), e.position(), w.at());
          if (!r.builds().isEmpty()) {
            out.add(r);
          }
        }
        s.scanned = e.position();
      }
      return out;
    });
  }

  private Withdrawal withdraw(State s, String account, String consent, long position,
      Instant at) {
    List<String> builds = new ArrayList<>();
    for (BuildEntry b : s.builds) {
      if (b.consents().contains(consent) && position > b.ledgerPosition()
          && share(b, account).isPresent()) {
        builds.add(b.build());
      }
    }
    List<String> flagged = new ArrayList<>();
    for (int i = 0; i < s.models.size(); i++) {
      ModelRegistryEntry m = s.models.get(i);
      if (m.unlearned().contains(account) || m.builds().stream().noneMatch(builds::contains)) {
        continue;
      }
      boolean known = m.flags().stream().anyMatch(f -> f.account().equals(account)
          && f.consent().equals(consent) && f.position() == position);
      if (known) {
        continue;
      }
      List<ModelRegistryEntry.Flag> flags = new ArrayList<>(m.flags());
      flags.add(new ModelRegistryEntry.Flag(account, consent, position, at, Optional.empty()));
      s.models.set(i, new ModelRegistryEntry(m.name(), m.version(), m.builds(), m.file(),
          m.countsSha256(), m.created(), m.unlearned(), m.derivedFrom(), flags));
      flagged.add(m.id());
    }
    return new Withdrawal(account, consent, position, builds, flagged);
  }

  /** Every build and model version that includes the account's content. */
  public Affected affected(String account) {
    State s = load();
    List<BuildShare> shares = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (BuildEntry b : s.builds) {
      Optional<long[]> sh = share(b, account);
      if (sh.isPresent()) {
        shares.add(new BuildShare(b, sh.get()[0], sh.get()[1]));
        ids.add(b.build());
      }
    }
    List<ModelRegistryEntry> models = s.models.stream()
        .filter(m -> !m.unlearned().contains(account) && m.builds().stream().anyMatch(ids::contains))
        .toList();
    return new Affected(account, shares, models);
  }

  /** {owned, contributed} included records of the account in the build, if any. */
  private Optional<long[]> share(BuildEntry b, String account) {
    String prefix = account + "\t";
    Optional<BufferedReader> in = backing.accounts(b.build());
    if (in.isEmpty()) {
      throw new TrainingException("lineage_io", "the accounts of build `" + b.build()
          + "` are missing from " + where);
    }
    try (BufferedReader r = in.get()) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith(prefix)) {
          String[] parts = line.split("\t");
          long owned = Long.parseLong(parts[1]);
          long contributed = Long.parseLong(parts[2]);
          return owned + contributed > 0 ? Optional.of(new long[] {owned, contributed})
              : Optional.empty();
        }
      }
    } catch (IOException e) {
      throw new TrainingException("lineage_io", "cannot read the accounts of build `"
          + b.build() + "` in " + where + ": " + e.getMessage(), e);
    }
    return Optional.empty();
  }

  private <T> T update(Function<State, T> change) {
    List<T> out = new ArrayList<>(1);
    backing.update(text -> {
      State s = parse(text);
      out.clear();
      out.add(change.apply(s));
      return save(s);
    });
    return out.get(0);
  }

  private State load() {
    return parse(backing.read());
  }

  private static State parse(String text) {
    State s = new State();
    if (text.isBlank()) {
      return s;
    }
    JsonNode root = Json.parse(text);
    s.scanned = root.path("scanned_position").asLong();
    for (JsonNode b : root.path("builds")) {
      List<String> consents = new ArrayList<>();
      b.path("consents").forEach(c -> consents.add(c.asText()));
      s.builds.add(new BuildEntry(b.path("build").asText(), b.path("purpose").asText(),
          Instant.parse(b.path("at").asText()), b.path("ledger_position").asLong(), consents,
          b.path("dir").asText(), b.path("records").asLong(), b.path("included").asLong(),
          b.path("merkle_root").asText(), b.path("log_index").asLong()));
    }
    for (JsonNode m : root.path("models")) {
      List<String> builds = new ArrayList<>();
      m.path("builds").forEach(x -> builds.add(x.asText()));
      List<String> unlearned = new ArrayList<>();
      m.path("unlearned").forEach(x -> unlearned.add(x.asText()));
      List<ModelRegistryEntry.Flag> flags = new ArrayList<>();
      for (JsonNode f : m.path("flags")) {
        flags.add(new ModelRegistryEntry.Flag(f.path("account").asText(),
            f.path("consent").asText(), f.path("position").asLong(),
            Instant.parse(f.path("at").asText()),
            f.has("resolved_by") ? Optional.of(f.path("resolved_by").asInt()) : Optional.empty()));
      }
      s.models.add(new ModelRegistryEntry(m.path("name").asText(), m.path("version").asInt(),
          builds, m.path("file").asText(), m.path("counts_sha256").asText(),
          Instant.parse(m.path("created").asText()), unlearned,
          m.has("derived_from") ? Optional.of(m.path("derived_from").asInt()) : Optional.empty(),
          flags));
    }
    return s;
  }

  private static String save(State s) {
    ObjectNode root = Json.object();
    root.put("format", "covenant.lineage/1");
    root.put("scanned_position", s.scanned);
    ArrayNode bs = root.putArray("builds");
    for (BuildEntry b : s.builds) {
      ObjectNode o = bs.addObject();
      o.put("build", b.build());
      o.put("purpose", b.purpose());
      o.put("at", b.at().toString());
      o.put("ledger_position", b.ledgerPosition());
      ArrayNode cs = o.putArray("consents");
      b.consents().forEach(cs::add);
      o.put("dir", b.dir());
      o.put("records", b.records());
      o.put("included", b.included());
      o.put("merkle_root", b.root());
      o.put("log_index", b.logIndex());
    }
    ArrayNode ms = root.putArray("models");
    for (ModelRegistryEntry m : s.models) {
      ObjectNode o = ms.addObject();
      o.put("name", m.name());
      o.put("version", m.version());
      ArrayNode b = o.putArray("builds");
      m.builds().forEach(b::add);
      o.put("file", m.file());
      o.put("counts_sha256", m.countsSha256());
      o.put("created", m.created().toString());
      ArrayNode u = o.putArray("unlearned");
      m.unlearned().forEach(u::add);
      m.derivedFrom().ifPresent(d -> o.put("derived_from", d));
      ArrayNode fs = o.putArray("flags");
      for (ModelRegistryEntry.Flag f : m.flags()) {
        ObjectNode fo = fs.addObject();
        fo.put("account", f.account());
        fo.put("consent", f.consent());
        fo.put("position", f.position());
        fo.put("at", f.at().toString());
        f.resolvedBy().ifPresent(v -> fo.put("resolved_by", v));
      }
    }
    return Json.pretty(root) + "\n";
  }
}
