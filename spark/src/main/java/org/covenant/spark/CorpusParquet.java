package org.covenant.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.covenant.training.ContentCorpus;
import org.covenant.training.TrainingException;

/**
 * A corpus as one Parquet file, the columns {@link CovenantSpark} reads: {@code record} (the
 * position in the corpus), {@code id}, {@code category}, {@code owner}, {@code contributors} (the
 * other contributors), {@code created} (nanoseconds since the epoch, UTC: exact, where a Spark
 * timestamp keeps microseconds), {@code meeting} and {@code author} (null when absent). Row
 * groups of 32 MiB, so that a local Spark job has a few splits to share out.
 */
public final class CorpusParquet {
  /** The Parquet schema of the export. */
  public static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
      message covenant_corpus {
        required int64 record;
        required binary id (STRING);
        required binary category (STRING);
        required binary owner (STRING);
        required group contributors (LIST) {
          repeated group list {
            required binary element (STRING);
          }
        }
        required int64 created;
        optional binary meeting (STRING);
        optional binary author (STRING);
      }""");

  private CorpusParquet() {}

  /**
   * Writes {@code corpus} to {@code file} (a new file; written under a hidden name and renamed).
   *
   * @throws TrainingException {@code corpus_io} when the file cannot be written
   */
  public static void write(ContentCorpus corpus, Path file) {
    Path dir = file.toAbsolutePath().getParent();
    Path temp = dir.resolve("." + file.getFileName() + ".tmp");
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(temp);
      SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
      try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(temp))
          .withType(SCHEMA).withCompressionCodec(CompressionCodecName.SNAPPY)
          .withRowGroupSize(32L << 20).withWriteMode(ParquetFileWriter.Mode.CREATE).build()) {
        for (int i = 0; i < corpus.size(); i++) {
          Group g = groups.newGroup().append("record", (long) i).append("id", corpus.id(i))
              .append("category", corpus.category(i).id()).append("owner", corpus.accountId(i));
          Group list = g.addGroup("contributors");
          for (int c : corpus.otherContributors(i)) {
            list.addGroup("list").append("element", corpus.accounts().get(c));
          }
          g.append("created", corpus.created(i));
          if (corpus.meeting(i) != ContentCorpus.NONE) {
            g.append("meeting", corpus.meetingId(i));
          }
          if (corpus.author(i) != ContentCorpus.NONE) {
            g.append("author", corpus.authorId(i));
          }
          w.write(g);
        }
      }
      Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new TrainingException("corpus_io", "cannot write `" + file + "`: " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // best effort: the hidden temporary file never looks like a corpus
      }
    }
  }
}
