package org.covenant.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.FormatException;
import org.covenant.format.Json;
import org.covenant.format.Problem;
import org.covenant.format.Result;

/**
 * ContentCorpus records as JSON lines, one object per line with the fields of {@code content.created}
 * (ARCHITECTURE.md §3) plus its time:
 * {@code {"content": ID, "category": C, "account": A, "at": RFC3339, "meeting"?: M,
 * "author"?: P, "contributors"?: [A...]}}. Import is strict: an unknown field or category, a
 * repeated id or (when a ledger is given) an owning account the ledger does not know is a
 * problem naming the line and the record.
 */
public final class CorpusJsonl {
  private static final Set<String> FIELDS =
      Set.of("content", "category", "account", "at", "meeting", "author", "contributors");

  private CorpusJsonl() {}

  /**
   * Reads JSON lines into a corpus.
   *
   * @param knownAccount whether an owning account is on the platform (accept everything when
   *     no ledger is at hand: a dataset build checks again)
   */
  public static Result<ContentCorpus> read(Path file, Predicate<String> knownAccount) {
    String src = file.toString();
    ContentCorpus.Builder b = ContentCorpus.builder();
    Set<String> seen = new HashSet<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int line = 0;
      for (String s = r.readLine(); s != null; s = r.readLine()) {
        line++;
        if (s.isBlank()) {
          continue;
        }
        String where = "line " + line;
        try {
          ObjectNode o = Json.obj(Json.parse(s), "");
          Json.onlyFields(o, FIELDS);
          String id = Json.str(o, "content");
          where = "line " + line + " (`" + id + "`)";
          String cat = Json.str(o, "category");
          Optional<Category> category = Vocabulary.category(cat);
          if (category.isEmpty()) {
            throw new FormatException("category", "unknown category `" + cat + "`");
          }
          String account = Json.str(o, "account");
          if (!knownAccount.test(account)) {
            throw new FormatException("account", "unknown account `" + account
                + "`: not in the ledger");
          }
          Instant at = Json.instant(o, "at");
          if (!seen.add(id)) {
            throw new FormatException("content", "duplicate content id `" + id + "`");
          }
          List<String> contributors = Json.strings(o, "contributors", false);
          b.add(new ContentCorpus.ContentItem(id, category.get(), account, Json.optStr(o, "meeting"),
              Json.optStr(o, "author"), contributors, at));
        } catch (FormatException e) {
          return Result.failed(e.toProblem(src, where));
        }
      }
    } catch (NoSuchFileException e) {
      return Result.failed(new Problem(src, "", "", "no such file"));
    } catch (IOException e) {
      throw new TrainingException("corpus_io", "cannot read `" + file + "`: " + e.getMessage(), e);
    }
    return Result.ok(b.build());
  }

  /** Writes a corpus as JSON lines (the inverse of {@link #read}). */
  public static void write(ContentCorpus corpus, Writer out) throws IOException {
    for (int i = 0; i < corpus.size(); i++) {
      ContentCorpus.ContentItem c = corpus.item(i);
      ObjectNode o = Json.object();
      o.put("content", c.id());
      o.put("category", c.category().id());
      o.put("account", c.account());
      o.put("at", c.created().toString());
      c.meeting().ifPresent(m -> o.put("meeting", m));
      c.author().ifPresent(a -> o.put("author", a));
      var cs = o.putArray("contributors");
      c.contributors().forEach(cs::add);
      out.write(Json.line(o));
      out.write('\n');
    }
  }
}
