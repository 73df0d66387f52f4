package org.covenant.training;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.Problem;
import org.covenant.format.Result;

/**
 * The corpus manifest file: a columnar binary format, little-endian, version 1.
 *
 * <pre>
 * offset  size  field
 *      0     8  magic "CVCORPUS"
 *      8     2  version (1)
 *     10     2  reserved, 0
 *     12     4  section count S (17 in version 1)
 *     16     8  record count n
 *     24     4  CRC-32C of the section table
 *     28     4  CRC-32C of bytes [0, 28)
 *     32  32*S  section table, one entry per section:
 *               u32 id, u32 CRC-32C of the payload, u64 offset, u64 length, u64 reserved (0)
 *   ...         payloads, each starting on an 8-byte boundary, in id order
 * </pre>
 *
 * Sections (id: content): 1 record ids, offsets u32[n+1]; 2 record ids, UTF-8 bytes;
 * 3/4 category names (offsets, bytes); 5 category u8[n] (index into the names); 6/7 account
 * names; 8 owning account u32[n]; 9 created i64[n] (nanoseconds since the epoch, UTC);
 * 10/11 meeting names; 12 meeting i32[n] (-1: none); 13/14 author names; 15 author i32[n]
 * (-1: none); 16 other contributors, offsets u32[n+1]; 17 other contributors u32[] (account
 * name indices, never the owner). Category names are stored, not ordinals, so a file stays
 * readable when the vocabulary grows, and an unknown category is reported by record.
 *
 * <p>Reading checks, in order: the header and its checksum, that every section lies within the
 * file (a truncated file is reported with the byte offset where it ends), each payload's checksum,
 * sizes, index ranges, known categories and unique record ids. Every failure is a {@link Problem}
 * naming the file and the byte offset or record; nothing partial is returned.
 */
public final class CorpusFile {
  static final byte[] MAGIC = "CVCORPUS".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int HEADER = 32;
  static final int ENTRY = 32;
  static final String[] SECTIONS = {
    "", "ids.offsets", "ids.bytes", "category_names.offsets", "category_names.bytes", "category",
    "account_names.offsets", "account_names.bytes", "account", "created",
    "meeting_names.offsets", "meeting_names.bytes", "meeting", "author_names.offsets",
    "author_names.bytes", "author", "contributors.offsets", "contributors"
  };
  static final int SECTION_COUNT = SECTIONS.length - 1;

  private CorpusFile() {}

  /**
   * Writes {@code corpus} to {@code file} atomically: a temporary file in the same directory,
   * forced to disk, then renamed over {@code file}.
   *
   * @throws TrainingException {@code corpus_io} when the file cannot be written
   */
  public static void write(ContentCorpus corpus, Path file) {
    int n = corpus.size();
    List<Category> cats = Vocabulary.categories();
    Strings.Builder names = new Strings.Builder(true);
    byte[] catIndex = new byte[cats.size()];
    boolean[] used = new boolean[cats.size()];
    for (byte c : corpus.category) {
      used[c] = true;
    }
    for (int c = 0; c < cats.size(); c++) {
      if (used[c]) {
        catIndex[c] = (byte) names.add(cats.get(c).id());
      }
    }
    byte[] catColumn = new byte[n];
    for (int i = 0; i < n; i++) {
      catColumn[i] = catIndex[corpus.category[i]];
    }
    Strings catNames = names.build();
    ByteBuffer[] payloads = {
      null,
      ints(corpus.ids.offsets()), ByteBuffer.wrap(corpus.ids.blob()),
      ints(catNames.offsets()), ByteBuffer.wrap(catNames.blob()),
      ByteBuffer.wrap(catColumn),
      ints(corpus.accounts.offsets()), ByteBuffer.wrap(corpus.accounts.blob()),
      ints(corpus.account), longs(corpus.created),
      ints(corpus.meetings.offsets()), ByteBuffer.wrap(corpus.meetings.blob()),
      ints(corpus.meeting),
      ints(corpus.authors.offsets()), ByteBuffer.wrap(corpus.authors.blob()),
      ints(corpus.author),
      ints(corpus.contributorStart), ints(corpus.contributors)
    };
    ByteBuffer table = ByteBuffer.allocate(ENTRY * SECTION_COUNT).order(ByteOrder.LITTLE_ENDIAN);
    long offset = HEADER + (long) ENTRY * SECTION_COUNT;
    for (int s = 1; s <= SECTION_COUNT; s++) {
      ByteBuffer p = payloads[s];
      CRC32C crc = new CRC32C();
      crc.update(p.duplicate());
      table.putInt(s).putInt((int) crc.getValue()).putLong(offset).putLong(p.remaining())
          .putLong(0);
      offset = align(offset + p.remaining());
    }
    table.flip();
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).putShort((short) VERSION).putShort((short) 0).putInt(SECTION_COUNT)
        .putLong(n);
    CRC32C tcrc = new CRC32C();
    tcrc.update(table.duplicate());
    header.putInt((int) tcrc.getValue());
    CRC32C hcrc = new CRC32C();
    hcrc.update(header.array(), 0, 28);
    header.putInt((int) hcrc.getValue());
    header.flip();
    Path dir = file.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        writeFully(ch, header);
        writeFully(ch, table);
        long pos = HEADER + (long) ENTRY * SECTION_COUNT;
        for (int s = 1; s <= SECTION_COUNT; s++) {
          ByteBuffer p = payloads[s].duplicate();
          long len = p.remaining();
          writeFully(ch, p);
          long pad = align(pos + len) - (pos + len);
          if (pad > 0) {
            writeFully(ch, ByteBuffer.allocate((int) pad));
          }
          pos += len + pad;
        }
        ch.force(true);
      }
      Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      temp = null;
    } catch (IOException e) {
      throw new TrainingException("corpus_io", "cannot write `" + file + "`: " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort: the temporary file never looks like a corpus (its name starts with .)
        }
      }
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static long align(long v) {
    return (v + 7) & ~7L;
  }

  private static ByteBuffer ints(int[] a) {
    ByteBuffer b = ByteBuffer.allocateDirect(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(a);
    return b;
  }

  private static ByteBuffer longs(long[] a) {
    ByteBuffer b = ByteBuffer.allocateDirect(a.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(a);
    return b;
  }

  /**
   * Reads and checks a corpus file. Problems name the file and the byte offset (layout errors) or
   * the record (content errors).
   *
   * @throws TrainingException {@code corpus_io} when the file exists but cannot be read
   */
  public static Result<ContentCorpus> read(Path file) {
    String src = file.toString();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < HEADER) {
        return fail(src, "byte " + size, "truncated: the header needs " + HEADER
            + " bytes but the file ends at byte " + size);
      }
      ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, header, 0);
      header.flip();
      byte[] magic = new byte[8];
      header.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        return fail(src, "byte 0", "not a corpus file (no `CVCORPUS` magic)");
      }
      int version = header.getShort() & 0xffff;
      header.getShort();
      int sections = header.getInt();
      long n = header.getLong();
      int tableCrc = header.getInt();
      int headerCrc = header.getInt();
      CRC32C hc = new CRC32C();
      hc.update(header.array(), 0, 28);
      if ((int) hc.getValue() != headerCrc) {
        return fail(src, "byte 0", "corrupt: the header fails its checksum");
      }
      if (version != VERSION) {
        return fail(src, "byte 8", "version " + version + " is not supported (this reader knows "
            + VERSION + ")");
      }
      if (sections != SECTION_COUNT || n < 0 || n > Integer.MAX_VALUE - 8) {
        return fail(src, "byte 12", "corrupt: " + sections + " sections, " + n + " records");
      }
      long tableEnd = HEADER + (long) ENTRY * sections;
      if (size < tableEnd) {
        return fail(src, "byte " + size, "truncated: the section table needs bytes [" + HEADER
            + ", " + tableEnd + ") but the file ends at byte " + size);
      }
      ByteBuffer table = ByteBuffer.allocate(ENTRY * sections).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, table, HEADER);
      table.flip();
      CRC32C tc = new CRC32C();
      tc.update(table.duplicate());
      if ((int) tc.getValue() != tableCrc) {
        return fail(src, "byte " + HEADER, "corrupt: the section table fails its checksum");
      }
      MappedByteBuffer[] payload = new MappedByteBuffer[sections + 1];
      for (int s = 1; s <= sections; s++) {
        long entryAt = HEADER + (long) ENTRY * (s - 1);
        int id = table.getInt();
        int crc = table.getInt();
        long off = table.getLong();
        long len = table.getLong();
        table.getLong();
        if (id != s || off < tableEnd || len < 0 || len > Integer.MAX_VALUE) {
          return fail(src, "byte " + entryAt, "corrupt: bad entry for section `" + SECTIONS[s]
              + "`");
        }
        if (off + len > size) {
          return fail(src, "byte " + size, "truncated: section `" + SECTIONS[s] + "` needs bytes ["
              + off + ", " + (off + len) + ") but the file ends at byte " + size);
        }
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, off, len);
        m.order(ByteOrder.LITTLE_ENDIAN);
        CRC32C c = new CRC32C();
        c.update(m.duplicate());
        if ((int) c.getValue() != crc) {
          return fail(src, "byte " + off, "corrupt: section `" + SECTIONS[s] + "` (bytes [" + off
              + ", " + (off + len) + ")) fails its checksum");
        }
        payload[s] = m;
      }
      return decode(src, (int) n, payload);
    } catch (NoSuchFileException e) {
      return fail(src, "", "no such file");
    } catch (IOException e) {
      throw new TrainingException("corpus_io", "cannot read `" + file + "`: " + e.getMessage(), e);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    long p = pos;
    while (b.hasRemaining()) {
      int r = ch.read(b, p);
      if (r < 0) {
        throw new IOException("unexpected end of file at byte " + p);
      }
      p += r;
    }
  }

  private static Result<ContentCorpus> decode(String src, int n, MappedByteBuffer[] p) {
    List<Problem> problems = new ArrayList<>();
    int[] idOff = intsOf(p[1], n + 1, 1, src, problems);
    byte[] idBytes = bytesOf(p[2]);
    Strings catNames = stringsOf(p[3], p[4], 3, src, problems);
    byte[] catColumn = bytesOf(p[5]);
    Strings accounts = stringsOf(p[6], p[7], 6, src, problems);
    int[] account = intsOf(p[8], n, 8, src, problems);
    long[] created = longsOf(p[9], n, 9, src, problems);
    Strings meetings = stringsOf(p[10], p[11], 10, src, problems);
    int[] meeting = intsOf(p[12], n, 12, src, problems);
    Strings authors = stringsOf(p[13], p[14], 13, src, problems);
    int[] author = intsOf(p[15], n, 15, src, problems);
    int[] cStart = intsOf(p[16], n + 1, 16, src, problems);
    int[] contributors = intsOf(p[17], p[17].remaining() / 4, 17, src, problems);
    if (catColumn.length != n) {
      problems.add(new Problem(src, "section `category`", "", "corrupt: " + catColumn.length
          + " bytes for " + n + " records"));
    }
    if (!problems.isEmpty()) {
      return new Result.Failed<>(problems);
    }
    if (!offsetsValid(idOff, idBytes.length)) {
      return fail(src, "section `ids.offsets`", "corrupt: offsets out of order or out of range");
    }
    if (!offsetsValid(cStart, contributors.length)) {
      return fail(src, "section `contributors.offsets`",
          "corrupt: offsets out of order or out of range");
    }
    Strings ids = new Strings(idBytes, idOff);
    byte[] catOrdinal = new byte[catNames.size()];
    boolean[] known = new boolean[catNames.size()];
    for (int k = 0; k < catNames.size(); k++) {
      var cat = Vocabulary.category(catNames.get(k));
      known[k] = cat.isPresent();
      catOrdinal[k] = (byte) cat.map(Category::ordinal).orElse(0).intValue();
    }
    byte[] category = new byte[n];
    for (int i = 0; i < n; i++) {
      int c = catColumn[i] & 0xff;
      if (c >= known.length) {
        return record(src, ids, i, "category", "corrupt: category index " + c + " out of range");
      }
      if (!known[c]) {
        return record(src, ids, i, "category", "unknown category `" + catNames.get(c) + "`");
      }
      category[i] = catOrdinal[c];
      if (account[i] < 0 || account[i] >= accounts.size()) {
        return record(src, ids, i, "account", "corrupt: account index " + account[i]
            + " out of range");
      }
      if (meeting[i] < -1 || meeting[i] >= meetings.size()) {
        return record(src, ids, i, "meeting", "corrupt: meeting index out of range");
      }
      if (author[i] < -1 || author[i] >= authors.size()) {
        return record(src, ids, i, "author", "corrupt: author index out of range");
      }
      for (int k = cStart[i]; k < cStart[i + 1]; k++) {
        if (contributors[k] < 0 || contributors[k] >= accounts.size()
            || contributors[k] == account[i]) {
          return record(src, ids, i, "contributors", "corrupt: contributor index "
              + contributors[k] + " out of range or the owner");
        }
      }
    }
    int dup = firstDuplicate(ids);
    if (dup >= 0) {
      return record(src, ids, dup, "content", "duplicate content id (it appears earlier)");
    }
    return Result.ok(new ContentCorpus(ids, accounts, meetings, authors, category, account, created,
        meeting, author, cStart, contributors));
  }

  /**
   * The index of the second occurrence of a repeated id, or -1. Sorts 64-bit hashes of the ids
   * (no strings are made) and confirms candidate pairs byte by byte.
   */
  static int firstDuplicate(Strings ids) {
    int n = ids.size();
    byte[] blob = ids.blob();
    int[] off = ids.offsets();
    long[] hashes = new long[n];
    for (int i = 0; i < n; i++) {
      hashes[i] = hash(blob, off[i], off[i + 1]);
    }
    long[] sorted = hashes.clone();
    Arrays.parallelSort(sorted);
    Set<Long> repeated = new HashSet<>();
    for (int i = 1; i < n; i++) {
      if (sorted[i] == sorted[i - 1]) {
        repeated.add(sorted[i]);
      }
    }
    if (repeated.isEmpty()) {
      return -1;
    }
    // Rare path: equal hashes. Compare those ids exactly, in record order.
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < n; i++) {
      if (repeated.contains(hashes[i]) && seen.putIfAbsent(ids.get(i), i) != null) {
        return i;
      }
    }
    return -1;
  }

  static long hash(byte[] b, int from, int to) {
    long h = 0x9E3779B97F4A7C15L ^ (to - from);
    for (int k = from; k < to; k++) {
      h = (h ^ (b[k] & 0xff)) * 0x100000001B3L;
      h ^= h >>> 29;
    }
    h *= 0xBF58476D1CE4E5B9L;
    return h ^ (h >>> 32);
  }

  private static boolean offsetsValid(int[] off, int blobLength) {
    if (off.length == 0 || off[0] != 0 || off[off.length - 1] != blobLength) {
      return false;
    }
    for (int i = 1; i < off.length; i++) {
      if (off[i] < off[i - 1]) {
        return false;
      }
    }
    return true;
  }

  private static <T> Result<T> record(String src, Strings ids, int i, String field,
      String message) {
    return Result.failed(new Problem(src, "record " + i + " (`" + ids.get(i) + "`)", field,
        message));
  }

  private static <T> Result<T> fail(String src, String location, String message) {
    return Result.failed(new Problem(src, location, "", message));
  }

  private static byte[] bytesOf(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private static int[] intsOf(ByteBuffer b, int count, int section, String src,
      List<Problem> problems) {
    if (b.remaining() != (long) count * 4) {
      problems.add(new Problem(src, "section `" + SECTIONS[section] + "`", "", "corrupt: "
          + b.remaining() + " bytes where " + (long) count * 4 + " were expected"));
      return new int[count];
    }
    int[] out = new int[count];
    b.duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
    return out;
  }

  private static long[] longsOf(ByteBuffer b, int count, int section, String src,
      List<Problem> problems) {
    if (b.remaining() != (long) count * 8) {
      problems.add(new Problem(src, "section `" + SECTIONS[section] + "`", "", "corrupt: "
          + b.remaining() + " bytes where " + (long) count * 8 + " were expected"));
      return new long[count];
    }
    long[] out = new long[count];
    b.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
    return out;
  }

  private static Strings stringsOf(ByteBuffer offsets, ByteBuffer bytes, int section, String src,
      List<Problem> problems) {
    if (offsets.remaining() % 4 != 0 || offsets.remaining() < 4) {
      problems.add(new Problem(src, "section `" + SECTIONS[section] + "`", "",
          "corrupt: not a list of offsets"));
      return Strings.empty();
    }
    int[] off = intsOf(offsets, offsets.remaining() / 4, section, src, problems);
    byte[] blob = bytesOf(bytes);
    if (!offsetsValid(off, blob.length)) {
      problems.add(new Problem(src, "section `" + SECTIONS[section] + "`", "",
          "corrupt: offsets out of order or out of range"));
      return Strings.empty();
    }
    return new Strings(blob, off);
  }
}
