package org.covenant.safety;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.covenant.core.Sha256;

/**
 * A labelled corpus read from a JSON-lines file (gzip-compressed when the name ends in
 * {@code .gz}), with the SHA-256 of the file as read, for lineage.
 *
 * @param file the file it was read from
 * @param sha256 lowercase hex SHA-256 of the file's bytes
 * @param records the records in file order
 */
public record Corpus(Path file, String sha256, List<CorpusRecord> records) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Copies the record list. */
  public Corpus {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(sha256, "sha256");
    records = List.copyOf(records);
  }

  /**
   * Reads a corpus; a missing file, bad JSON, a missing field, an unknown label or a duplicate
   * id fails with {@link SafetyException} code {@code corpus_invalid} naming file and line.
   */
  public static Corpus read(Path file) {
    MessageDigest sha = Sha256.newDigest();
    List<CorpusRecord> records = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    try (InputStream raw = new DigestInputStream(Files.newInputStream(file), sha);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
        BufferedReader reader = new BufferedReader(
            new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      int lineNo = 0;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        CorpusRecord r = parseLine(file, lineNo, line);
        if (!ids.add(r.id())) {
          throw invalid(file, lineNo, "duplicate id `" + r.id() + "`");
        }
        records.add(r);
      }
      // drain what gzip left unread so the digest covers the whole file
      byte[] rest = new byte[8192];
      while (raw.read(rest) >= 0) {
        // nothing: reading is the point
      }
    } catch (NoSuchFileException e) {
      throw new SafetyException("corpus_not_found", "corpus file `" + file + "` does not exist",
          e);
    } catch (IOException e) {
      throw new SafetyException("corpus_invalid",
          "cannot read corpus file `" + file + "`: " + e.getMessage(), e);
    }
    return new Corpus(file, Sha256.hex(sha), records);
  }

  private static CorpusRecord parseLine(Path file, int lineNo, String line) throws IOException {
    String id = null;
    String group = "";
    String label = null;
    String text = null;
    try (JsonParser p = JSON.getFactory().createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw invalid(file, lineNo, "not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "id" -> id = p.getValueAsString();
          case "group" -> group = p.getValueAsString("");
          case "label" -> label = p.getValueAsString();
          case "text" -> text = p.getValueAsString();
          default -> {
            if (t.isStructStart()) {
              p.skipChildren();
            }
          }
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw invalid(file, lineNo, "bad JSON: " + e.getOriginalMessage());
    }
    if (id == null || id.isBlank()) {
      throw invalid(file, lineNo, "missing field `id`");
    }
    if (label == null) {
      throw invalid(file, lineNo, "missing field `label`");
    }
    if (text == null) {
      throw invalid(file, lineNo, "missing field `text`");
    }
    Label l;
    try {
      l = Label.of(label);
    } catch (IllegalArgumentException e) {
      throw invalid(file, lineNo, "field `label`: unknown label `" + label + "`");
    }
    return new CorpusRecord(id, group, l, text);
  }

  private static SafetyException invalid(Path file, int line, String what) {
    return new SafetyException("corpus_invalid", "corpus file `" + file + "` line " + line + ": "
        + what);
  }
}
