package org.covenant.store;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import org.postgresql.copy.CopyIn;

/**
 * Rows of a {@code COPY ... FROM STDIN (FORMAT binary)}, encoded by hand and streamed to the
 * server in {@link PostgresEventStore#COPY_CHUNK}-byte pieces.
 *
 * <p>Why by hand: pgjdbc writes {@code COPY} bytes but has no encoder for the binary format, and
 * the format is small (PostgreSQL's "COPY", "Binary Format": a signature, a 16-bit field count per
 * row, each field as a 32-bit length and its bytes, -1 for NULL, a -1 trailer). Why binary: the
 * server then neither splits lines nor unescapes fields nor parses the position and the
 * timestamp from text (about 6 % of its CPU for a ledger's {@code COPY}, docs/BENCHMARKS.md
 * "PostgreSQL's own CPU per event"), and the client neither formats the timestamp nor escapes
 * the body.
 */
final class CopyBinary {
  private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r',
      '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
  /** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix seconds. */
  private static final long PG_EPOCH_SECONDS = 946_684_800L;

  private final CopyIn in;
  private byte[] buf = new byte[PostgresEventStore.COPY_CHUNK + 4096];
  private int len;

  /** Starts the stream: the signature, no flags, no header extension. */
  CopyBinary(CopyIn in) {
    this.in = in;
    put(HEADER, 0, HEADER.length);
  }

  /** Starts a row of {@code fields} fields. */
  CopyBinary row(int fields) throws SQLException {
    if (len >= PostgresEventStore.COPY_CHUNK) {
      flush();
    }
    room(2);
    buf[len++] = (byte) (fields >>> 8);
    buf[len++] = (byte) fields;
    return this;
  }

  /** A {@code bigint}. */
  CopyBinary int8(long v) {
    int32(8);
    int64(v);
    return this;
  }

  /**
   * A {@code timestamptz}: microseconds since 2000-01-01 UTC, rounded exactly as PostgreSQL
   * rounds the text {@code EventJson.text(at)} that the text {@code COPY} sent (its
   * {@code ParseFractionalSecond}: {@code rint(strtod(".fffffffff") * 1e6)}, so half a
   * microsecond rounds to even through a double, not up), so that the stored value is the same
   * either way.
   */
  CopyBinary timestamptz(Instant at) {
    int nanos = at.getNano();
    long micros;
    if (nanos % 1000 == 0) {
      micros = nanos / 1000;
    } else {
      String digits = Integer.toString(nanos);
      double frac = Double.parseDouble("0." + "000000000".substring(digits.length()) + digits);
      micros = (long) Math.rint(frac * 1_000_000);
    }
    int32(8);
    int64((at.getEpochSecond() - PG_EPOCH_SECONDS) * 1_000_000L + micros);
    return this;
  }

  /** A {@code text} (or {@code json}, whose binary form is its text), UTF-8; null as NULL. */
  CopyBinary text(String s) {
    if (s == null) {
      int32(-1);
      return this;
    }
    int n = s.length();
    room(4 + n);
    int at = len;
    len += 4;
    boolean ascii = true;
    for (int i = 0; i < n; i++) {
      char ch = s.charAt(i);
      if (ch >= 0x80) {
        ascii = false;
        break;
      }
      buf[len++] = (byte) ch;
    }
    if (!ascii) {
      len = at + 4;
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      room(b.length);
      put(b, 0, b.length);
    }
    int size = len - at - 4;
    buf[at] = (byte) (size >>> 24);
    buf[at + 1] = (byte) (size >>> 16);
    buf[at + 2] = (byte) (size >>> 8);
    buf[at + 3] = (byte) size;
    return this;
  }

  /** Sends the trailer and what is left; the caller ends the COPY. */
  void finish() throws SQLException {
    room(2);
    buf[len++] = (byte) 0xff;
    buf[len++] = (byte) 0xff;
    flush();
  }

  private void flush() throws SQLException {
    if (len > 0) {
      in.writeToCopy(buf, 0, len);
      len = 0;
    }
  }

  private void int32(int v) {
    room(4);
    buf[len++] = (byte) (v >>> 24);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
  }

  private void int64(long v) {
    room(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[len++] = (byte) (v >>> shift);
    }
  }

  private void put(byte[] b, int from, int n) {
    room(n);
    System.arraycopy(b, from, buf, len, n);
    len += n;
  }

  private void room(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }
}
