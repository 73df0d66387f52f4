package org.covenant.telemetry;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CTEL, the compact columnar file of telemetry events (version 1). Little-endian throughout:
 *
 * <pre>
 * file    = "CTEL" u16:version=1 u16:flags i64:base_epoch_second i32:span_seconds
 *           i32:dict_count dict* i32:table_count table*
 * flags   = bit 0: every table is clustered by account (sorted by account, then time)
 * dict    = str:name i32:n str{n}
 * table   = str:type i32:rows u16:column_count column*
 * column  = str:name u8:encoding (1 = i32, 2 = u8) str:dictionary ("" = none) value{rows}
 * str     = u16:byte_length utf8
 * </pre>
 *
 * A column's values are contiguous (4 or 1 bytes each), so a reader copies each column into one
 * primitive array with bulk transfers. Nulls are {@code 0x80000000} (i32) and {@code 0xFF} (u8).
 * Timestamps are i32 seconds from {@code base_epoch_second}; regions and enums are u8 codes into a
 * dictionary of their names; pseudonyms are i32 indexes into the {@code pseudonyms} dictionary. A
 * producer may write columns no schema declares (that is how content leaks look on the wire): the
 * reader keeps them and the {@link IngestionGuard} quarantines the events that fill them.
 */
public final class CtelFile {
  /** Current format version. */
  public static final int VERSION = 1;

  private static final byte[] MAGIC = {'C', 'T', 'E', 'L'};
  private static final int BUFFER = 1 << 20;
  private static final int PROGRESS_STEP = 1 << 20;

  private CtelFile() {}

  /** Writes {@code data} to {@code file}, replacing it. */
  public static void write(TelemetryData data, Path file, StageProgress progress) {
    long total = data.events();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      Out out = new Out(ch);
      out.bytes(MAGIC);
      out.u16(VERSION);
      out.u16(data.clusteredByAccount() ? 1 : 0);
      out.i64(data.baseEpochSecond());
      out.i32(data.spanSeconds());
      out.i32(data.dictionaries().size());
      for (Map.Entry<String, List<String>> d : data.dictionaries().entrySet()) {
        out.str(d.getKey());
        out.i32(d.getValue().size());
        for (String s : d.getValue()) {
          out.str(s);
        }
      }
      out.i32(data.tables().size());
      long done = 0;
      for (EventTable t : data.tables()) {
        out.str(t.type());
        out.i32(t.rows());
        out.u16(t.columns().size());
        for (Column c : t.columns()) {
          out.str(c.name());
          out.u8(c.encoding().code);
          out.str(c.dictionary());
          if (c.encoding() == Column.Encoding.I32) {
            out.ints(c.ints());
          } else {
            out.bytes(c.bytes());
          }
        }
        done += t.rows();
        progress.update("write", done, total);
      }
      out.flush();
    } catch (IOException e) {
      throw new TelemetryException("io_error", "cannot write `" + file + "`: " + e.getMessage(), e);
    }
  }

  /** Reads {@code file}; a missing, truncated or malformed file is invalid input naming the field. */
  public static Loaded<TelemetryData> read(Path file, StageProgress progress) {
    String name = file.toString();
    String at = "header";
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      In in = new In(ch);
      byte[] magic = in.bytes(4);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        return Loaded.invalid(name, "magic", "not a CTEL telemetry file");
      }
      int version = in.u16();
      if (version != VERSION) {
        return Loaded.invalid(name, "version", "unsupported CTEL version " + version);
      }
      int flags = in.u16();
      long base = in.i64();
      int span = in.i32();
      if (span <= 0) {
        return Loaded.invalid(name, "span_seconds", "must be positive, got " + span);
      }
      int dictCount = in.i32();
      if (dictCount < 0 || dictCount > 4096) {
        return Loaded.invalid(name, "dict_count", "out of range: " + dictCount);
      }
      Map<String, List<String>> dicts = new LinkedHashMap<>();
      for (int d = 0; d < dictCount; d++) {
        at = "dictionaries[" + d + "]";
        String dname = in.str();
        int n = in.i32();
        if (n < 0 || n > size) {
          return Loaded.invalid(name, at + ".count", "out of range: " + n);
        }
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          values.add(in.str());
        }
        dicts.put(dname, values);
      }
      at = "table_count";
      int tableCount = in.i32();
      if (tableCount < 0 || tableCount > 4096) {
        return Loaded.invalid(name, at, "out of range: " + tableCount);
      }
      long total = size;
      List<EventTable> tables = new ArrayList<>();
      for (int t = 0; t < tableCount; t++) {
        at = "tables[" + t + "]";
        String type = in.str();
        int rows = in.i32();
        if (rows < 0 || rows > size) {
          return Loaded.invalid(name, at + ".rows", "out of range: " + rows);
        }
        int cols = in.u16();
        List<Column> columns = new ArrayList<>();
        for (int c = 0; c < cols; c++) {
          at = "tables[" + t + "](" + type + ").columns[" + c + "]";
          String cname = in.str();
          Column.Encoding enc = Column.Encoding.of(in.u8());
          if (enc == null) {
            return Loaded.invalid(name, at + ".encoding", "unknown encoding");
          }
          String dict = in.str();
          if (!dict.isEmpty() && !dicts.containsKey(dict)) {
            return Loaded.invalid(name, at + ".dictionary", "unknown dictionary `" + dict + "`");
          }
          if (enc == Column.Encoding.I32) {
            int[] v = new int[rows];
            in.ints(v, progress, total);
            columns.add(Column.ints(cname, dict, v));
          } else {
            byte[] v = new byte[rows];
            in.fill(v, 0, rows);
            columns.add(Column.bytes(cname, dict, v));
          }
          for (Column earlier : columns.subList(0, columns.size() - 1)) {
            if (earlier.name().equals(cname)) {
              return Loaded.invalid(name, at + ".name", "duplicate column `" + cname + "`");
            }
          }
        }
        tables.add(new EventTable(type, columns));
        progress.update("read", in.position(), total);
      }
      if (in.position() != size) {
        return Loaded.invalid(name, "trailer", (size - in.position()) + " bytes after the last table");
      }
      return Loaded.ok(new TelemetryData(base, span, (flags & 1) != 0, dicts, tables));
    } catch (NoSuchFileException e) {
      return Loaded.invalid(name, "", "no such file");
    } catch (EOFException e) {
      return Loaded.invalid(name, at, "truncated file");
    } catch (IOException e) {
      throw new TelemetryException("io_error", "cannot read `" + name + "`: " + e.getMessage(), e);
    }
  }

  private static final class Out {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);

    Out(FileChannel ch) {
      this.ch = ch;
    }

    void room(int n) throws IOException {
      if (buf.remaining() < n) {
        flush();
      }
    }

    void flush() throws IOException {
      buf.flip();
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      buf.clear();
    }

    void u8(int v) throws IOException {
      room(1);
      buf.put((byte) v);
    }

    void u16(int v) throws IOException {
      room(2);
      buf.putShort((short) v);
    }

    void i32(int v) throws IOException {
      room(4);
      buf.putInt(v);
    }

    void i64(long v) throws IOException {
      room(8);
      buf.putLong(v);
    }

    void str(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (b.length > 0xFFFF) {
        throw new TelemetryException("string_too_long", "string of " + b.length + " bytes");
      }
      u16(b.length);
      bytes(b);
    }

    void bytes(byte[] b) throws IOException {
      int off = 0;
      while (off < b.length) {
        room(1);
        int n = Math.min(buf.remaining(), b.length - off);
        buf.put(b, off, n);
        off += n;
      }
    }

    void ints(int[] v) throws IOException {
      int off = 0;
      while (off < v.length) {
        room(4);
        int n = Math.min(buf.remaining() / 4, v.length - off);
        buf.asIntBuffer().put(v, off, n);
        buf.position(buf.position() + 4 * n);
        off += n;
      }
    }
  }

  private static final class In {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private long consumed;

    In(FileChannel ch) {
      this.ch = ch;
      buf.limit(0);
    }

    long position() {
      return consumed;
    }

    void need(int n) throws IOException {
      if (buf.remaining() >= n) {
        return;
      }
      buf.compact();
      while (buf.position() < n) {
        if (ch.read(buf) < 0) {
          throw new EOFException();
        }
      }
      buf.flip();
    }

    int u8() throws IOException {
      need(1);
      consumed += 1;
      return buf.get() & 0xFF;
    }

    int u16() throws IOException {
      need(2);
      consumed += 2;
      return buf.getShort() & 0xFFFF;
    }

    int i32() throws IOException {
      need(4);
      consumed += 4;
      return buf.getInt();
    }

    long i64() throws IOException {
      need(8);
      consumed += 8;
      return buf.getLong();
    }

    String str() throws IOException {
      int n = u16();
      return new String(bytes(n), StandardCharsets.UTF_8);
    }

    byte[] bytes(int n) throws IOException {
      byte[] b = new byte[n];
      fill(b, 0, n);
      return b;
    }

    void fill(byte[] b, int off, int n) throws IOException {
      while (n > 0) {
        need(1);
        int k = Math.min(buf.remaining(), n);
        buf.get(b, off, k);
        off += k;
        n -= k;
        consumed += k;
      }
    }

    void ints(int[] v, StageProgress progress, long total) throws IOException {
      int off = 0;
      long nextReport = consumed + PROGRESS_STEP * 4L;
      while (off < v.length) {
        need(4);
        int k = Math.min(buf.remaining() / 4, v.length - off);
        buf.asIntBuffer().get(v, off, k);
        buf.position(buf.position() + 4 * k);
        off += k;
        consumed += 4L * k;
        if (consumed >= nextReport) {
          progress.update("read", consumed, total);
          nextReport = consumed + PROGRESS_STEP * 4L;
        }
      }
    }
  }
}
