package org.covenant.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * The privacy budget ledger: one JSON line per release ({@link BudgetEntry}, snake_case keys),
 * appended to a file, then handed to the {@link ReleaseRecorder}. It also answers how much ε the
 * releases of a data set have spent, so that a caller can refuse a release over a budget.
 */
public final class PrivacyLedger {
  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private final Path file;
  private final ReleaseRecorder recorder;

  private PrivacyLedger(Path file, ReleaseRecorder recorder) {
    this.file = Objects.requireNonNull(file, "file");
    this.recorder = Objects.requireNonNull(recorder, "recorder");
  }

  /** A ledger appending to {@code file} and recording each entry with {@code recorder}. */
  public static PrivacyLedger create(Path file, ReleaseRecorder recorder) {
    return new PrivacyLedger(file, recorder);
  }

  /** The ledger file. */
  public Path file() {
    return file;
  }

  /** ε already spent on {@code dataset} by the entries in the file. */
  public Rational spent(String dataset) {
    Rational total = Rational.ZERO;
    for (BudgetEntry e : entries()) {
      if (e.dataset().equals(dataset)) {
        total = total.plus(Rational.parse(e.epsilon()));
      }
    }
    return total;
  }

  /** Appends {@code entry} (its cumulative spend filled in), then records it; returns what was written. */
  public BudgetEntry append(BudgetEntry entry) {
    Rational spent = spent(entry.dataset()).plus(Rational.parse(entry.epsilon()));
    BudgetEntry written = entry.withSpent(spent.toDecimal());
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(file, (line(written) + "\n").getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new TelemetryException("io_error", "cannot append to ledger `" + file + "`", e);
    }
    recorder.record(written);
    return written;
  }

  /** The entries in the file, oldest first. */
  public List<BudgetEntry> entries() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank())
          .map(PrivacyLedger::parse)
          .toList();
    } catch (IOException e) {
      throw new TelemetryException("io_error", "cannot read ledger `" + file + "`", e);
    }
  }

  /** The JSON line of an entry. */
  public static String line(BudgetEntry e) {
    try {
      return JSON.writeValueAsString(e);
    } catch (JsonProcessingException ex) {
      throw new TelemetryException("json_error", "cannot encode budget entry", ex);
    }
  }

  /** The JSON tree of an entry (snake_case keys, as in the ledger). */
  static JsonNode tree(BudgetEntry e) {
    return JSON.valueToTree(e);
  }

  private static BudgetEntry parse(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      List<BudgetEntry.QueryCharge> qs = new java.util.ArrayList<>();
      for (JsonNode q : n.path("queries")) {
        qs.add(new BudgetEntry.QueryCharge(q.path("metric").asText(), q.path("kind").asText(),
            q.path("epsilon").asText(), q.path("sensitivity").asDouble(), q.path("scale").asDouble(),
            q.path("max_cells").asInt(), q.path("max_per_cell").asLong(),
            q.path("per_class").asBoolean(false)));
      }
      List<String> classes = new java.util.ArrayList<>();
      n.path("classes").forEach(c -> classes.add(c.asText()));
      return new BudgetEntry(n.path("release").asText(), n.path("at").asText(),
          n.path("dataset").asText(), n.path("mechanism").asText(), n.path("epsilon").asText("0"),
          n.path("delta").asDouble(), n.path("rho").asDouble(), n.path("min_group").asInt(),
          n.path("seeded").asBoolean(), qs, n.path("spent_epsilon").asText("0"), classes);
    } catch (JsonProcessingException e) {
      throw new TelemetryException("corrupt_ledger", "ledger line is not json: " + e.getOriginalMessage(), e);
    }
  }
}
