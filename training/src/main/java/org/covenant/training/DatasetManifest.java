package org.covenant.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.covenant.format.FormatException;
import org.covenant.format.Json;
import org.covenant.format.Problem;
import org.covenant.format.Result;

/**
 * The manifest of a dataset build ({@code DIR2/manifest.json}): what was decided, against which
 * ledger position and terms, with which result, and where the proof is. The fields below are the
 * ones other steps read; {@link #json()} holds the whole document (histograms, outcomes, log
 * checkpoints).
 *
 * @param build the build id (a UUID, also the OpenLineage run id)
 * @param purpose the purpose decided
 * @param at the time of use
 * @param ledgerPosition the ledger snapshot's position
 * @param consents the consents whose withdrawal can change the answers
 * @param records records in the corpus
 * @param included records included
 * @param includedRoot RFC 9162 root of the included ids (hex)
 * @param logIndex the build's leaf in the transparency log
 * @param json the whole document
 */
public record DatasetManifest(String build, String purpose, Instant at, long ledgerPosition,
    List<String> consents, long records, long included, String includedRoot, long logIndex,
    ObjectNode json) {
  /** The manifest's file name inside a dataset directory. */
  public static final String FILE = "manifest.json";
  /** The included ids, one per line, in corpus order. */
  public static final String IDS = "included.ids";
  /** The included records, in the corpus format. */
  public static final String CORPUS = "included.corpus";
  /** Included records per account: {@code account<TAB>owned<TAB>contributed}. */
  public static final String ACCOUNTS = "accounts.tsv";
  /** The format tag. */
  public static final String FORMAT = "covenant.dataset/1";

  /** Validates and copies. */
  public DatasetManifest {
    Objects.requireNonNull(build, "build");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(at, "at");
    consents = List.copyOf(consents);
    Objects.requireNonNull(includedRoot, "includedRoot");
    Objects.requireNonNull(json, "json");
  }

  /** Records excluded. */
  public long excluded() {
    return records - included;
  }

  /** Reads {@code dir/manifest.json}. */
  public static Result<DatasetManifest> read(Path dir) {
    Path file = dir.resolve(FILE);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Result.failed(new Problem(dir.toString(), "", "",
          "not a dataset build (no " + FILE + ")"));
    } catch (IOException e) {
      throw new TrainingException("dataset_io", "cannot read `" + file + "`: " + e.getMessage(), e);
    }
    try {
      ObjectNode o = Json.obj(Json.parse(text), "");
      String format = Json.str(o, "format");
      if (!FORMAT.equals(format)) {
        throw new FormatException("format", "`" + format + "` is not `" + FORMAT + "`");
      }
      ObjectNode counts = Json.obj(o.get("counts"), "counts");
      ObjectNode ids = Json.obj(o.get("included_ids"), "included_ids");
      ObjectNode log = Json.obj(o.get("log"), "log");
      ObjectNode ledger = Json.obj(o.get("ledger"), "ledger");
      List<String> consents = new ArrayList<>();
      for (JsonNode c : o.path("consents")) {
        consents.add(c.asText());
      }
      return Result.ok(new DatasetManifest(Json.str(o, "build"), Json.str(o, "purpose"),
          Json.instant(o, "at"), ledger.path("position").asLong(), consents,
          counts.path("records").asLong(), counts.path("included").asLong(),
          Json.str(ids, "merkle_root"), log.path("leaf_index").asLong(-1), o));
    } catch (FormatException e) {
      return Result.failed(e.toProblem(file.toString(), ""));
    }
  }
}
