package org.covenant.core.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.covenant.core.Sha256;
import org.covenant.core.state.Entities.Account;
import org.covenant.core.state.Entities.Group;
import org.covenant.core.state.Entities.Meeting;
import org.covenant.core.state.Entities.Participant;
import org.covenant.core.state.Entities.SettingValue;
import org.covenant.core.state.Entities.SettingsScope;
import org.covenant.core.state.Entities.User;
import org.covenant.core.event.HoldScope;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.Feature;
import org.covenant.core.vocab.Notice;
import org.covenant.core.vocab.Role;
import org.covenant.core.vocab.SettingDef;
import org.covenant.core.vocab.Vocabulary;

/**
 * A projection checkpoint (issue 15): the {@link GovernanceState} as of one ledger position,
 * written so that a start can load it and replay only the ledger's tail. Pure: it reads and
 * writes streams; where checkpoints are kept (files, PostgreSQL) and how they are checked
 * against the transparency log belongs to the adapters.
 *
 * <p>The format is our own compact binary one, written big-endian in the manner of
 * {@code DataOutputStream} (by a small writer of its own: the core does no java.io): every id
 * written once, where it first occurs, and referred to by its dense index after that (the ids
 * of meetings and content, written once each, inline and never indexed); then the entities and
 * their histories as runs of primitives, an ended meeting's participants in their packed form,
 * the content table as primitive columns with varint gaps (format 4: a restore reads columns
 * into arrays and makes no object per record beyond what the state holds). Not Java
 * serialization (fragile across versions, unsafe to read, several times larger) and not JSON
 * (ten times larger and slower to parse than the replay it replaces): a checkpoint is only
 * worth its while if loading it is much cheaper than replaying the ledger, and it is never
 * read by anything but this class.
 *
 * <p>Layout: magic {@code COVPROJ1}, format version (int), vocabulary fingerprint (32 bytes:
 * the ordinals the histories are indexed by), ledger position (long), time of the event there
 * (a {@link TimeKey}), log tree size (long) and root (32 bytes) at that position, the body,
 * and the SHA-256 ({@link Sha256}) of everything before it. A start checks the header
 * ({@link #checkHeader}) and then reads the checkpoint once ({@link #restore}): the digest is
 * computed as the body is decoded and the state is used only when it matches, so a flipped byte
 * or a truncation is refused; until then every count is bounded by the bytes left, so damage
 * cannot make the restore allocate more than the checkpoint could fill.
 *
 * <p>A checkpoint of a state that is still growing is exact: every entity and history entry
 * carries its ledger position, and only those at or before the checkpoint's position are
 * written, so the writer may run on another thread while the ledger appends.
 */
public final class ProjectionCheckpoint {
  /** The format this code writes and the only one it reads. */
  public static final int FORMAT = 4;
  private static final byte[] MAGIC = "COVPROJ1".getBytes(StandardCharsets.US_ASCII);
  private static final int DIGEST = 32;
  private static final byte[] VOCABULARY = vocabularyFingerprint();
  /** Magic, format, vocabulary, position, time, log size, log root. */
  private static final int HEADER = 8 + 4 + 32 + 8 + 8 + 8 + 32;

  private ProjectionCheckpoint() {}

  /**
   * What a checkpoint says about itself.
   *
   * @param position the ledger position the state is at
   * @param lastAt the time of the event at that position ({@link TimeKey}; {@code Long.MIN_VALUE}
   *     when the position is 0)
   * @param logSize the transparency log's tree size whose last ledger-event leaf is that position
   * @param logRoot that tree's root hash (32 bytes)
   */
  public record CheckpointHeader(long position, long lastAt, long logSize, byte[] logRoot) {
    /** Validates the fields. */
    public CheckpointHeader {
      Objects.requireNonNull(logRoot, "logRoot");
      if (logRoot.length != DIGEST) {
        throw new IllegalArgumentException("logRoot has " + logRoot.length + " bytes, not 32");
      }
      if (position < 0 || logSize < 0) {
        throw new IllegalArgumentException("negative position or log size");
      }
      logRoot = logRoot.clone();
    }

    @Override
    public byte[] logRoot() {
      return logRoot.clone();
    }

    /** The root as lowercase hex. */
    public String logRootHex() {
      return HexFormat.of().formatHex(logRoot);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CheckpointHeader h && h.position == position && h.lastAt == lastAt
          && h.logSize == logSize && Arrays.equals(h.logRoot, logRoot);
    }

    @Override
    public int hashCode() {
      return Objects.hash(position, lastAt, logSize, Arrays.hashCode(logRoot));
    }

    @Override
    public String toString() {
      return "checkpoint at position " + position + " (log size " + logSize + ", root "
          + logRootHex() + ")";
    }
  }

  /** The outcome of checking a checkpoint's frame: its header, or why it is refused. */
  public sealed interface FrameCheck {
    /** The frame is intact and in this format. */
    record Valid(CheckpointHeader header) implements FrameCheck {}

    /** The checkpoint cannot be used; {@code problem} says why, for a warning. */
    record Invalid(String problem) implements FrameCheck {}
  }

  /**
   * Bytes read from somewhere (a file, a database row): the adapter's stream, wrapped. The core
   * does no I/O itself (STYLE.md), so it reads and writes through these two interfaces; a read or
   * write failure is the adapter's unchecked exception.
   */
  public interface Input extends AutoCloseable {
    /** Up to {@code len} bytes into {@code b} at {@code off}; -1 at the end. */
    int read(byte[] b, int off, int len);

    @Override
    void close();
  }

  /** Where {@link #write} puts the bytes. */
  @FunctionalInterface
  public interface Output {
    /** Writes {@code len} bytes of {@code b} from {@code off}. */
    void write(byte[] b, int off, int len);
  }

  /** A checkpoint that can be read more than once (check, then restore). */
  @FunctionalInterface
  public interface Source {
    /** A fresh input over the checkpoint's bytes. */
    Input open();

    /**
     * How many bytes the checkpoint holds, when known without reading it; -1 when not. With the
     * size, {@link #restore} reads the checkpoint once, checking the digest as it decodes and
     * bounding every count by the bytes left before the digest is known; without it, it checks
     * the whole frame first ({@link #check}) and then decodes: two reads.
     */
    default long size() {
      return -1;
    }
  }

  /** A checkpoint's body that does not decode (or changed since it was checked). */
  public static final class Unreadable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreadable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Bytes in memory as a {@link Source} (of known size). */
  public static Source of(byte[] bytes) {
    Source opens = () -> new Input() {
      private int at;

      @Override
      public int read(byte[] b, int off, int len) {
        if (at >= bytes.length) {
          return -1;
        }
        int n = Math.min(len, bytes.length - at);
        System.arraycopy(bytes, at, b, off, n);
        at += n;
        return n;
      }

      @Override
      public void close() {}
    };
    return sized(opens, bytes.length);
  }

  /** {@code source}, holding {@code size} bytes (-1: not known). */
  public static Source sized(Source source, long size) {
    Objects.requireNonNull(source, "source");
    return new Source() {
      @Override
      public Input open() {
        return source.open();
      }

      @Override
      public long size() {
        return size;
      }
    };
  }

  /**
   * Writes the state as of {@code header.position()} (which must not exceed the state's head) to
   * {@code out}. Safe while another thread appends to the state.
   */
  public static void write(GovernanceState state, CheckpointHeader header, Output out) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(header, "header");
    if (header.position() > state.head()) {
      throw new IllegalArgumentException("position " + header.position()
          + " is past the state's head " + state.head());
    }
    MessageDigest md = Sha256.newDigest();
    Out d = new Out(out, md);
    d.write(MAGIC);
    d.writeInt(FORMAT);
    d.write(VOCABULARY);
    d.writeLong(header.position());
    d.writeLong(header.lastAt());
    d.writeLong(header.logSize());
    d.write(header.logRoot);
    new Writer(state, header.position()).write(d);
    d.flush();
    byte[] digest = md.digest();
    out.write(digest, 0, digest.length);
  }

  /** The bytes {@link #write} would write. */
  public static byte[] toBytes(GovernanceState state, CheckpointHeader header) {
    Grow out = new Grow();
    write(state, header, out);
    return Arrays.copyOf(out.bytes, out.size);
  }

  /** A growing byte array. */
  private static final class Grow implements Output {
    byte[] bytes = new byte[1 << 12];
    int size;

    @Override
    public void write(byte[] b, int off, int len) {
      if (size + len > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + len));
      }
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }
  }

  /**
   * Checks the frame: magic, format, vocabulary and the digest over every byte. Never throws on
   * bad content; a failure to read the source is an {@link FrameCheck.Invalid} too.
   */
  public static FrameCheck check(Source source) {
    return check(source, true);
  }

  /**
   * Checks the header only (magic, format, vocabulary, position, log size), reading its first
   * {@value #HEADER} bytes: what a start checks against the log before it chooses a checkpoint.
   * The digest over every byte is checked by {@link #restore} as it decodes, in the same read
   * (a checkpoint is read once); a damaged or truncated one fails there, with the same problem
   * ({@link #DAMAGED}), and nothing of it is used.
   */
  public static FrameCheck checkHeader(Source source) {
    return check(source, false);
  }

  /** The problem of a checkpoint whose digest does not match its bytes. */
  public static final String DAMAGED = "digest mismatch: the checkpoint is damaged or truncated";

  private static FrameCheck check(Source source, boolean digestAll) {
    try (Input in = source.open()) {
      MessageDigest md = Sha256.newDigest();
      byte[] head = new byte[HEADER];
      int got = readUpTo(in, head, HEADER);
      if (got < MAGIC.length || !Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC)) {
        return new FrameCheck.Invalid("not a projection checkpoint (bad magic)");
      }
      if (got < HEADER) {
        return new FrameCheck.Invalid("truncated (" + got + " bytes)");
      }
      md.update(head);
      ByteBuffer h = ByteBuffer.wrap(head);
      h.position(MAGIC.length);
      int format = h.getInt();
      if (format != FORMAT) {
        return new FrameCheck.Invalid("format " + format + ", this version reads format " + FORMAT
            + " only");
      }
      byte[] vocabulary = new byte[DIGEST];
      h.get(vocabulary);
      long position = h.getLong();
      long lastAt = h.getLong();
      long logSize = h.getLong();
      byte[] root = new byte[DIGEST];
      h.get(root);
      if (!digestAll) {
        return header(vocabulary, position, lastAt, logSize, root);
      }
      // Digest the rest, holding the last 32 bytes back: they are the digest itself.
      byte[] buf = new byte[(1 << 16) + DIGEST];
      int held = 0;
      while (true) {
        int n = in.read(buf, held, buf.length - held);
        if (n < 0) {
          break;
        }
        held += n;
        if (held > DIGEST) {
          md.update(buf, 0, held - DIGEST);
          System.arraycopy(buf, held - DIGEST, buf, 0, DIGEST);
          held = DIGEST;
        }
      }
      if (held < DIGEST) {
        return new FrameCheck.Invalid("truncated (no digest at the end)");
      }
      if (!MessageDigest.isEqual(md.digest(), Arrays.copyOf(buf, DIGEST))) {
        return new FrameCheck.Invalid(DAMAGED);
      }
      return header(vocabulary, position, lastAt, logSize, root);
    } catch (RuntimeException e) {
      return new FrameCheck.Invalid("cannot be read: " + e.getMessage());
    }
  }

  private static FrameCheck header(byte[] vocabulary, long position, long lastAt, long logSize,
      byte[] root) {
    if (!Arrays.equals(vocabulary, VOCABULARY)) {
      return new FrameCheck.Invalid("written for another vocabulary (settings, features, notices,"
          + " categories, consents or roles differ from this version's)");
    }
    if (position < 0 || logSize < 0) {
      return new FrameCheck.Invalid("negative position or log size");
    }
    return new FrameCheck.Valid(new CheckpointHeader(position, lastAt, logSize, root));
  }

  private static int readUpTo(Input in, byte[] b, int len) {
    int got = 0;
    while (got < len) {
      int n = in.read(b, got, len - got);
      if (n < 0) {
        break;
      }
      got += n;
    }
    return got;
  }

  /**
   * Decodes a checkpoint whose header {@link #checkHeader} (or {@link #check}) found valid into a
   * state at its position, whose {@code terms.accepted} events may name the terms versions
   * {@code knownTerms} knows. The digest over every byte is checked as the body is read, and
   * the state is returned only when it matches: a damaged or truncated checkpoint (or one that
   * changed since it was checked) is an {@link Unreadable} whose message is {@link #DAMAGED},
   * whatever the decoding made of the damage first. Before the digest is known no count is
   * trusted beyond the bytes left ({@link Source#size}); a source of unknown size is checked
   * whole first.
   *
   * @throws Unreadable when the body does not decode or the digest does not match; the source's
   *     own exception when it cannot be read
   */
  public static GovernanceState restore(Source source, Predicate<String> knownTerms) {
    long size = source.size();
    if (size < 0 && check(source) instanceof FrameCheck.Invalid bad) {
      throw new Unreadable(bad.problem(), null);
    }
    try (Input raw = source.open()) {
      // Closed here, not as a resource of the try below: a failed decode reads the rest of the
      // input through it, in the catch, to tell damage from a bad body.
      ReadAhead ahead = ReadAhead.start(raw);
      try {
        return restore(ahead, size, knownTerms);
      } finally {
        ahead.close();
      }
    }
  }

  private static GovernanceState restore(ReadAhead ahead, long size,
      Predicate<String> knownTerms) {
    In d = new In(ahead, size < 0 ? Long.MAX_VALUE : size - DIGEST);
    try {
      d.skip(MAGIC.length + 4 + DIGEST);
      long position = d.readLong();
      long lastAt = d.readLong();
      d.skip(8 + DIGEST);
      GovernanceState state = GovernanceState.create(knownTerms);
      try (Filer filer = new Filer()) {
        new Reader(state, filer).read(d);
        // Everything handed to the filer is in the state (or its failure thrown) from here on.
        filer.finish();
      }
      byte[] stored = d.rawBytes(DIGEST);
      // At the end, the digest of every byte before the last 32, which must be the ones the
      // body ended at: the body was read to exactly there.
      if (!d.atEnd() || !MessageDigest.isEqual(ahead.digestBeforeLast(), stored)) {
        throw new Unreadable(DAMAGED, null);
      }
      // Only now is the state the checkpoint's: nothing of it was published before.
      state.restoredAt(position, lastAt);
      return state;
    } catch (Truncated | IndexOutOfBoundsException | NegativeArraySizeException
        | IllegalArgumentException | NullPointerException | ClassCastException e) {
      // Damage is the likelier cause: say so when the digest says so (the rest is read for it).
      if (!d.restMatchesDigest()) {
        throw new Unreadable(DAMAGED, e);
      }
      throw new Unreadable("the checkpoint's body does not decode: " + e, e);
    }
  }

  /** The input ended in the middle of a value. */
  private static final class Truncated extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Truncated() {
      super("truncated", null, false, false);
    }
  }

  /**
   * A big-endian writer in the style of {@code DataOutputStream} (the core does no java.io),
   * buffered, digesting what it passes on.
   */
  private static final class Out {
    private final Output out;
    private final MessageDigest md;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);

    Out(Output out, MessageDigest md) {
      this.out = out;
      this.md = md;
    }

    private void room(int n) {
      if (buf.remaining() < n) {
        flush();
      }
    }

    void flush() {
      if (buf.position() > 0) {
        md.update(buf.array(), 0, buf.position());
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
    }

    void write(byte[] b) {
      int off = 0;
      while (off < b.length) {
        room(1);
        int n = Math.min(buf.remaining(), b.length - off);
        buf.put(b, off, n);
        off += n;
      }
    }

    void write(byte[] b, int from, int len) {
      int off = from;
      int end = from + len;
      while (off < end) {
        room(1);
        int n = Math.min(buf.remaining(), end - off);
        buf.put(b, off, n);
        off += n;
      }
    }

    /** An unsigned LEB128 varint (format 4's counts, gaps and packed sections). */
    void writeVarint(long v) {
      room(10);
      while ((v & ~0x7fL) != 0) {
        buf.put((byte) (v | 0x80));
        v >>>= 7;
      }
      buf.put((byte) v);
    }

    /** A signed gap as a zigzag varint. */
    void writeZigzag(long v) {
      writeVarint((v << 1) ^ (v >> 63));
    }

    void writeLong(long v) {
      room(8);
      buf.putLong(v);
    }

    void writeInt(int v) {
      room(4);
      buf.putInt(v);
    }

    void writeShort(int v) {
      room(2);
      buf.putShort((short) v);
    }

    void writeByte(int v) {
      room(1);
      buf.put((byte) v);
    }

    void writeBoolean(boolean v) {
      writeByte(v ? 1 : 0);
    }
  }

  /**
   * Reads a checkpoint's bytes ahead of the decoder on a thread of its own, and digests them
   * there: at 50M the input's copies and the SHA-256 of 1.28 GB were ≈ 1.5 s of the start's
   * critical path (the decoding thread), which this takes off it (issue 15). The bytes come in
   * blocks through a bounded queue (a few MB ahead at most: the same memory as before, give or
   * take), and the blocks are reused, so reading allocates nothing per block. The digest is of
   * every byte but the last 32 (the trailer), known once the input ends, whether or not its size
   * was known: what the restore compares with the 32 bytes the body ended at, and what a failed
   * decode asks to tell damage from a bad body.
   *
   * <p>Not a library executor: one thread per restore, for the length of one read, stopped and
   * joined on {@link #close} (a failed decode does not leave it reading).
   */
  private static final class ReadAhead implements AutoCloseable {
    private static final int BLOCK = 1 << 20;
    private static final int BLOCKS = 4;
    /** A block of the input: its first {@code length} bytes were read. */
    record Block(byte[] bytes, int length) {}

    /** What {@link #take} returns at the end of the input. */
    static final Block END = new Block(new byte[0], 0);

    private final Input in;
    private final java.util.concurrent.ArrayBlockingQueue<byte[]> free =
        new java.util.concurrent.ArrayBlockingQueue<>(BLOCKS);
    /** Filled blocks, in order, then {@link #END}. */
    private final java.util.concurrent.ArrayBlockingQueue<Block> full =
        new java.util.concurrent.ArrayBlockingQueue<>(BLOCKS + 1);
    private final MessageDigest md = Sha256.newDigest();
    /** The last bytes read and not yet digested (at most 32: they may be the trailer). */
    private final byte[] tail = new byte[DIGEST];
    private int tailLength;
    private final Thread thread;
    /** Set by the reading thread before it queues {@link #END}; read after taking it. */
    private byte[] digest;
    private byte[] trailer;
    private Throwable failure;
    private volatile boolean stopped;

    private ReadAhead(Input in) {
      this.in = in;
      for (int i = 0; i < BLOCKS; i++) {
        free.add(new byte[BLOCK]);
      }
      thread = new Thread(this::run, "checkpoint-read-ahead");
      thread.setDaemon(true);
    }

    static ReadAhead start(Input in) {
      ReadAhead r = new ReadAhead(in);
      r.thread.start();
      return r;
    }

    private void run() {
      try {
        while (!stopped) {
          byte[] b = free.take();
          int n = 0;
          while (n < b.length) {
            int k = in.read(b, n, b.length - n);
            if (k < 0) {
              break;
            }
            n += k;
          }
          if (n > 0) {
            digestHoldingBack(b, n);
            full.put(new Block(b, n));
          }
          if (n < b.length) {
            digest = md.digest();
            trailer = Arrays.copyOf(tail, tailLength);
            full.put(END);
            return;
          }
        }
      } catch (InterruptedException e) {
        // Stopped by close(): nothing is waiting for more.
      } catch (RuntimeException | Error e) {
        failure = e;
        full.offer(END); // there is room: at most BLOCKS blocks are queued
      }
    }

    /** Digests all but the last 32 bytes read so far, holding those back in {@link #tail}. */
    private void digestHoldingBack(byte[] b, int n) {
      int total = tailLength + n;
      int digestible = total - DIGEST;
      if (digestible <= 0) {
        System.arraycopy(b, 0, tail, tailLength, n);
        tailLength = total;
        return;
      }
      int fromTail = Math.min(tailLength, digestible);
      md.update(tail, 0, fromTail);
      md.update(b, 0, digestible - fromTail);
      // The new tail: what is left of the old one, then the end of b.
      int keepOld = tailLength - fromTail;
      System.arraycopy(tail, fromTail, tail, 0, keepOld);
      System.arraycopy(b, n - (DIGEST - keepOld), tail, keepOld, DIGEST - keepOld);
      tailLength = DIGEST;
    }

    /** The next block ({@link #END} at the end); the source's own exception if it failed. */
    Block take() {
      try {
        Block b;
        // Never waits on a thread that is gone (stopped by close, or failed before it queued).
        while ((b = full.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS)) == null) {
          if (!thread.isAlive() && full.isEmpty()) {
            throw new IllegalStateException("the checkpoint's read-ahead stopped");
          }
        }
        if (b == END && failure != null) {
          rethrow(failure);
        }
        return b;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading a checkpoint", e);
      }
    }

    /** Gives a block taken back for reuse. */
    void recycle(Block b) {
      if (b != null && b != END) {
        free.offer(b.bytes());
      }
    }

    /**
     * After {@link #END} was taken: the digest of every byte but the last 32; null when the
     * input was shorter than 32 bytes.
     */
    byte[] digestBeforeLast() {
      return trailer.length == DIGEST ? digest : null;
    }

    /** After {@link #END} was taken: whether the last 32 bytes are the digest of the others. */
    boolean endsInItsDigest() {
      return trailer.length == DIGEST && MessageDigest.isEqual(digest, trailer);
    }

    private static void rethrow(Throwable t) {
      if (t instanceof RuntimeException r) {
        throw r;
      }
      throw (Error) t;
    }

    @Override
    public void close() {
      stopped = true;
      thread.interrupt();
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The restore's second thread (issue 15): it files into the state what the decoding thread
   * has read, while that thread reads on, so that a start keeps both cores busy. It interns the
   * packed participants' strings in the arena and packs their meetings, files the meetings into
   * their accounts and the index by id, indexes the content ids and fills the author column:
   * about half of what a one-thread restore did (at 10M, interning 16 %, the index by id 9 %,
   * the content index 9 %, the authors 5 %, packing 4 %).
   *
   * <p>Tasks run one after another in the order given: the arena numbers its strings as a
   * one-thread restore does. What a task files is the filer's from its hand-off (the queue's
   * happens-before) until {@link #finish} returns; the decoding thread touches none of it in
   * between. A task's failure stops the filer, and is rethrown on the decoding thread at its
   * next hand-off or at {@link #finish}, as if it had decoded there (a damaged or undecodable
   * checkpoint then, and a replay). {@link #close} stops and joins the thread whatever happened,
   * so a failed restore leaves none filing a state that is thrown away.
   *
   * <p>Not a library executor: one thread per restore, for the length of one restore.
   */
  private static final class Filer implements AutoCloseable {
    /** What {@link #finish} hands off last. */
    private static final Runnable END = () -> { };
    private final java.util.concurrent.ArrayBlockingQueue<Runnable> tasks =
        new java.util.concurrent.ArrayBlockingQueue<>(16);
    private final Thread thread;
    /** A task's failure; the filer takes nothing after it. */
    private volatile Throwable failure;

    Filer() {
      thread = new Thread(this::run, "checkpoint-filer");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      try {
        while (true) {
          Runnable r = tasks.take();
          if (r == END) {
            return;
          }
          r.run();
        }
      } catch (InterruptedException e) {
        // Stopped by close(): the restore failed, nothing waits for more.
      } catch (RuntimeException | Error e) {
        failure = e;
      }
    }

    /** Hands a task off; a failure of an earlier one is thrown here. */
    void submit(Runnable task) {
      // Full: never waits on a filer that failed (it takes nothing more).
      until(() -> tasks.offer(task, 100, java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    /** A mark handed off now: {@link #await} it to wait for every task handed off before. */
    CountDownLatch mark() {
      CountDownLatch mark = new CountDownLatch(1);
      submit(mark::countDown);
      return mark;
    }

    /**
     * Waits until the filer has run every task handed off before {@code mark} ({@link #mark});
     * a failure among them is thrown (the filer then takes nothing more: never waits forever).
     */
    void await(CountDownLatch mark) {
      until(() -> mark.await(100, java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    /** One bounded wait: true once what it waits for has happened. */
    private interface Wait {
      boolean done() throws InterruptedException;
    }

    /**
     * Repeats {@code wait} until it is done, throwing between tries a failure of the filer's or
     * its stop (a filer that failed takes nothing more: never waits forever), and after it.
     */
    private void until(Wait wait) {
      try {
        while (!wait.done()) {
          failed();
          if (!thread.isAlive()) {
            throw new IllegalStateException("the checkpoint's filer stopped");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while restoring a checkpoint", e);
      }
      failed();
    }

    /** Waits until every task handed off has run; the first failure among them is thrown. */
    void finish() {
      submit(END);
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while restoring a checkpoint", e);
      }
      failed();
    }

    private void failed() {
      Throwable t = failure;
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t instanceof Error e) {
        throw e;
      }
    }

    @Override
    public void close() {
      thread.interrupt();
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The reader matching {@link Out}, over the blocks a {@link ReadAhead} reads and digests. */
  private static final class In {
    private final ReadAhead in;
    private ByteBuffer buf = ByteBuffer.allocate(0);
    /** The block {@link #buf} wraps, given back when it is used up. */
    private ReadAhead.Block block;
    private boolean ended;
    /** The bytes before the digest (Long.MAX_VALUE: not known, the frame was checked whole). */
    private final long body;
    /** Bytes read from the input before the buffer's. */
    private long before;

    In(ReadAhead in, long body) {
      this.in = in;
      this.body = body;
    }

    /** The body's bytes not yet consumed (the digest not counted). */
    long left() {
      return body == Long.MAX_VALUE ? Long.MAX_VALUE : body - before - buf.position();
    }

    /**
     * {@code n}, a count of things each at least {@code each} bytes long that are still to be
     * read: refused when they cannot fit in the bytes left, so that a damaged count (the digest
     * is checked at the end) never makes a restore allocate more than the checkpoint could fill.
     */
    int bounded(long n, int each) {
      if (n < 0 || n > left() / each) {
        throw new IllegalArgumentException("count " + n + " does not fit in the "
            + left() + " bytes left");
      }
      return (int) n;
    }

    /**
     * After a decoding failure: whether the whole input, read to its end, ends in the digest of
     * the bytes before. False for a truncated checkpoint.
     */
    boolean restMatchesDigest() {
      try {
        while (fill()) {
          buf.position(buf.limit());
        }
        return in.endsInItsDigest();
      } catch (RuntimeException e) {
        return false;
      }
    }

    /** Makes at least one byte available; false at the end. */
    private boolean fill() {
      if (buf.hasRemaining()) {
        return true;
      }
      if (ended) {
        return false;
      }
      before += buf.limit();
      in.recycle(block);
      block = in.take();
      if (block == ReadAhead.END) {
        ended = true;
        buf = ByteBuffer.allocate(0);
        return false;
      }
      // buf.position() is 0 here: left() counts from the new buffer's start.
      buf = ByteBuffer.wrap(block.bytes(), 0, block.length());
      return true;
    }

    void readFully(byte[] b) {
      readFully(b, b.length);
    }

    void readFully(byte[] b, int len) {
      readFully(b, 0, len);
    }

    /** Reads len bytes into b from {@code off}. */
    void readFully(byte[] b, int off, int len) {
      int end = off + len;
      while (off < end) {
        if (!fill()) {
          throw new Truncated();
        }
        int n = Math.min(buf.remaining(), end - off);
        buf.get(b, off, n);
        off += n;
      }
    }

    void skip(int n) {
      readFully(new byte[n]);
    }

    private ByteBuffer need(int n) {
      if (buf.remaining() >= n) {
        return buf;
      }
      byte[] b = new byte[n];
      readFully(b);
      return ByteBuffer.wrap(b);
    }

    long readLong() {
      return need(8).getLong();
    }

    /** An unsigned varint. */
    long readVarint() {
      if (buf.remaining() >= 10) {
        // Whole in the buffer: read from its array, not byte by byte through the buffer (the
        // position lists and content columns are mostly varints: tens of millions at 50M).
        byte[] a = buf.array();
        int at = buf.position();
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
          int b = a[at++];
          v |= (long) (b & 0x7f) << shift;
          if (b >= 0) {
            buf.position(at);
            return v;
          }
        }
        throw new IllegalArgumentException("varint longer than ten bytes");
      }
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = readUnsignedByte();
        v |= (long) (b & 0x7f) << shift;
        if (b < 0x80) {
          return v;
        }
      }
      throw new IllegalArgumentException("varint longer than ten bytes");
    }

    /**
     * Copies the next n varints' bytes, as they are, to {@code to} from {@code at}, grown as they
     * are read (never to a size the count alone asks: it is trusted only once the digest is); the
     * array holding them, which the offset after the last is {@code at} plus {@link #copied}.
     */
    byte[] copyVarints(int n, byte[] to, int at) {
      int len = at;
      // Continuation bytes in a row: more than nine, and the varint is longer than ten bytes.
      int run = 0;
      while (n > 0) {
        if (!fill()) {
          throw new Truncated();
        }
        byte[] a = buf.array();
        int from = buf.position();
        int end = buf.limit();
        int i = from;
        while (i < end) {
          if (a[i++] >= 0) {
            run = 0;
            if (--n == 0) {
              break;
            }
          } else if (++run == 10) {
            throw new IllegalArgumentException("varint longer than ten bytes");
          }
        }
        int k = i - from;
        if (len + k > to.length) {
          to = Arrays.copyOf(to, Math.max(len + k, 2 * to.length));
        }
        System.arraycopy(a, from, to, len, k);
        len += k;
        buf.position(i);
      }
      copied = len - at;
      return to;
    }

    /** Bytes the last {@link #copyVarints} copied. */
    int copied;

    /** A varint count or length that must fit in an int (and be at most {@code max}). */
    int readCount(int max) {
      long v = readVarint();
      if (v < 0 || v > max) {
        throw new IllegalArgumentException("count " + v + " out of range");
      }
      return (int) v;
    }

    long readZigzag() {
      long v = readVarint();
      return (v >>> 1) ^ -(v & 1);
    }

    int readInt() {
      return need(4).getInt();
    }

    int readUnsignedShort() {
      return need(2).getShort() & 0xffff;
    }

    int readUnsignedByte() {
      return need(1).get() & 0xff;
    }

    byte readByte() {
      return need(1).get();
    }

    boolean readBoolean() {
      return readByte() != 0;
    }

    byte[] rawBytes(int n) {
      byte[] b = new byte[n];
      readFully(b);
      return b;
    }

    boolean atEnd() {
      return !fill();
    }
  }

  /**
   * A canonical digest of the state as of {@code position}: equal for equal projections however
   * they were built (replayed, or loaded from a checkpoint and then replayed). For tests and
   * diagnostics.
   */
  public static String digest(GovernanceState state, long position, long lastAt) {
    return Sha256.hex(toBytes(state, new CheckpointHeader(position, lastAt, 0, new byte[DIGEST])));
  }

  private static byte[] vocabularyFingerprint() {
    StringBuilder b = new StringBuilder("covenant-projection-vocabulary/1\n");
    for (SettingDef s : Vocabulary.settings()) {
      b.append("setting ").append(s.ordinal()).append(' ').append(s.key()).append('\n');
    }
    for (Feature f : Vocabulary.features()) {
      b.append("feature ").append(f.ordinal()).append(' ').append(f.key()).append('\n');
    }
    for (Category c : Vocabulary.categories()) {
      b.append("category ").append(c.ordinal()).append(' ').append(c.id()).append('\n');
    }
    for (Notice n : Notice.values()) {
      b.append("notice ").append(n.ordinal()).append(' ').append(n.name()).append('\n');
    }
    for (ConsentType c : ConsentType.values()) {
      b.append("consent ").append(c.ordinal()).append(' ').append(c.name()).append('\n');
    }
    for (Role r : Role.values()) {
      b.append("role ").append(r.ordinal()).append(' ').append(r.name()).append('\n');
    }
    for (HoldScope.Kind k : HoldScope.Kind.values()) {
      b.append("hold-scope ").append(k.ordinal()).append(' ').append(k.name()).append('\n');
    }
    return Sha256.newDigest().digest(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- writing

  /**
   * Writes the state as of one position; each string inline where it first occurs (meeting and
   * content ids inline, unindexed).
   */
  private static final class Writer {
    private final GovernanceState state;
    private final long p;
    private final Map<String, Integer> strings = new HashMap<>();
    /** The meetings written, in position order: a content item names its meeting's index. */
    private Meeting[] byPos;
    /**
     * Their start positions, in the same order: a packed meeting reads its own from its slice
     * (issue 15), so the search below reads them here.
     */
    private long[] starts;

    Writer(GovernanceState state, long position) {
      this.state = state;
      this.p = position;
    }

    /**
     * A string written inline and not entered in the table (format 4): for the ids of meetings
     * and content, each written once, so the table and the reader's copy of it do not hold
     * millions of strings nothing refers to again.
     */
    private static void raw(Out d, String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      d.writeVarint(b.length);
      d.write(b);
    }

    /** The index of meeting m among those written (+1), by its start position. */
    private int meetingIndex(Meeting m) {
      long pos = m.pos();
      int lo = 0;
      int hi = byPos.length - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        long x = starts[mid];
        if (x < pos) {
          lo = mid + 1;
        } else if (x > pos) {
          hi = mid - 1;
        } else if (byPos[mid] == m) {
          return mid + 1;
        } else {
          break;
        }
      }
      throw new IllegalStateException("content of meeting " + m.id() + " not in the checkpoint");
    }

    /**
     * A string: 0 for null, index + 1 when written before, or minus (its UTF-8 length + 1)
     * followed by those bytes the first time (the table is built as it is read: one pass).
     */
    private void str(Out d, String s) {
      if (s == null) {
        d.writeInt(0);
        return;
      }
      Integer i = strings.get(s);
      if (i != null) {
        d.writeInt(i);
        return;
      }
      strings.put(s, strings.size() + 1);
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      d.writeInt(-b.length - 1);
      d.write(b);
    }

    void write(Out d) {
      List<Account> accounts = new ArrayList<>();
      for (Account a : state.accounts.values()) {
        if (a.pos <= p) {
          accounts.add(a);
        }
      }
      accounts.sort(Comparator.comparingLong(a -> a.pos));
      d.writeInt(accounts.size());
      for (Account a : accounts) {
        str(d, a.id);
        str(d, a.owner);
        d.writeLong(a.at);
        d.writeLong(a.pos);
        strings(d, a.terms);
        booleans(d, a.consents);
        settings(d, a);
        List<Group> groups = new ArrayList<>();
        for (Group g : a.groups.values()) {
          if (g.pos <= p) {
            groups.add(g);
          }
        }
        groups.sort(Comparator.comparingLong(g -> g.pos));
        d.writeInt(groups.size());
        for (Group g : groups) {
          str(d, g.id);
          d.writeLong(g.at);
          d.writeLong(g.pos);
          settings(d, g);
        }
        List<User> users = new ArrayList<>();
        for (User u : a.users.values()) {
          if (u.pos <= p) {
            users.add(u);
          }
        }
        users.sort(Comparator.comparingLong((User u) -> u.pos).thenComparing(u -> u.id));
        d.writeInt(users.size());
        for (User u : users) {
          str(d, u.id);
          d.writeByte(u.role.ordinal());
          str(d, u.group());
          d.writeLong(u.at);
          d.writeLong(u.pos);
          settings(d, u);
        }
        positions(d, a.events);
        positions(d, a.audit);
        positions(d, a.termsAndConsents);
        positions(d, a.content);
      }
      List<Meeting> meetings = new ArrayList<>();
      List<Meeting> held = state.meetings.values();
      long[] at = new long[held.size()];
      for (Meeting m : held) {
        long pos = m.pos();
        if (pos <= p) {
          at[meetings.size()] = pos;
          meetings.add(m);
        }
      }
      // Sorted by start position, each read once (a packed meeting decodes it from its slice).
      Integer[] order = new Integer[meetings.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingLong(i -> at[i]));
      byPos = new Meeting[order.length];
      starts = new long[order.length];
      for (int i = 0; i < order.length; i++) {
        byPos[i] = meetings.get(order[i]);
        starts[i] = at[order[i]];
      }
      meetings = Arrays.asList(byPos);
      d.writeInt(meetings.size());
      for (Meeting m : meetings) {
        byte[] idUtf8 = m.idBytes(); // the bytes raw() writes for the id
        d.writeVarint(idUtf8.length);
        d.write(idUtf8);
        str(d, m.account);
        str(d, m.host());
        d.writeLong(m.at());
        d.writeLong(m.pos());
        // Format 4: the feature log's prefix at or before p, as it is held.
        long[] log = m.featureLog();
        int k = 0;
        while (k < log.length && Meeting.featurePos(log[k + 1]) <= p) {
          k += 2;
        }
        d.writeVarint(k / 2);
        for (int j = 0; j < k; j++) {
          d.writeLong(log[j]);
        }
        long endedPos = m.endedPos();
        boolean ended = endedPos != 0 && endedPos <= p;
        d.writeBoolean(ended);
        if (ended) {
          d.writeLong(m.endedAt());
          d.writeLong(endedPos);
        }
        java.util.concurrent.ConcurrentHashMap<String, Participant> live = m.participants();
        EndedParticipants closed = live == null ? m.closed() : null;
        if (ended && closed != null && closed.lastPos() > p) {
          // A late leave after p: the packed form as a projection that stopped at p holds it,
          // so the bytes depend only on the state at p.
          closed = closed.upTo(new MeetingArena(), p);
          if (closed == null) {
            // Cannot happen: dropping the latest entries only shortens the gaps.
            throw new IllegalStateException("meeting " + m.id() + " does not compact at " + p);
          }
        }
        if (ended && closed != null) {
          // Ended by p: the packed form as it is held, so the restore builds no participant,
          // history or map (format 4).
          d.writeBoolean(true);
          closed.writeTo((strings, count, data, baseAt, basePos) -> {
            d.writeVarint(count);
            d.writeVarint(strings.length);
            for (String x : strings) {
              str(d, x);
            }
            d.writeVarint(data.length);
            d.write(data, 0, data.length);
            d.writeLong(baseAt);
            d.writeLong(basePos);
          });
          continue;
        }
        d.writeBoolean(false);
        List<Participant> ps = new ArrayList<>();
        List<Participant> all = new ArrayList<>();
        if (live == null) {
          // Ended after p, or late leaves after p: the live histories they were, cut at p.
          for (int j = 0; j < closed.size(); j++) {
            all.add(closed.thaw(j));
          }
        } else {
          all.addAll(live.values());
        }
        for (Participant x : all) {
          if (seen(x.present) || seen(x.organisation) || anySeen(x.acks)) {
            ps.add(x);
          }
        }
        // In the order they were added: the engine walks a meeting's participants in map order
        // (the first who had not acknowledged is the evidence), and a map filled in the same
        // order iterates in the same order.
        ps.sort(Comparator.comparingLong(this::createdAt).thenComparing(x -> x.id));
        d.writeInt(ps.size());
        for (Participant x : ps) {
          str(d, x.id);
          booleans(d, x.present);
          strings(d, x.organisation);
          booleans(d, x.acks);
        }
      }
      contents(d);
      rights(d);
    }

    /**
     * The data-rights state (format 2): valued settings, deletions, removed users and legal
     * holds, each as of the checkpoint's position.
     */
    private void rights(Out d) {
      DataRights r = state.rights;
      List<Map.Entry<String, History<DataRights.Valued>>> valued = new ArrayList<>();
      for (Map.Entry<String, History<DataRights.Valued>> e : r.valued.entrySet()) {
        if (seen(e.getValue())) {
          valued.add(e);
        }
      }
      valued.sort(Comparator.comparingLong((Map.Entry<String, History<DataRights.Valued>> e) ->
          e.getValue().first().pos()).thenComparing(Map.Entry::getKey));
      d.writeInt(valued.size());
      for (Map.Entry<String, History<DataRights.Valued>> e : valued) {
        str(d, e.getKey());
        List<History.Entry<DataRights.Valued>> es = upTo(e.getValue());
        d.writeInt(es.size());
        for (History.Entry<DataRights.Valued> x : es) {
          d.writeLong(x.at());
          d.writeLong(x.pos());
          DataRights.Valued v = x.value();
          if (v == null) {
            d.writeByte(0);
          } else if (v.value() instanceof org.covenant.core.event.SettingValue.Number n) {
            d.writeByte(1 | (v.locked() ? 4 : 0));
            d.writeLong(n.value());
          } else if (v.value() instanceof org.covenant.core.event.SettingValue.Codes c) {
            d.writeByte(2 | (v.locked() ? 4 : 0));
            d.writeInt(c.codes().size());
            for (String code : c.codes()) {
              str(d, code);
            }
          } else {
            throw new IllegalStateException("unhandled valued setting " + v.value());
          }
        }
      }
      stamped(d, r.deleted);
      stamped(d, r.removed);
      List<DataRights.Hold> holds = new ArrayList<>();
      for (DataRights.Hold h : r.holds.values()) {
        if (h.pos <= p) {
          holds.add(h);
        }
      }
      // Ledger order, so each account's holds come back in the order they were placed.
      holds.sort(Comparator.comparingLong(h -> h.pos));
      d.writeInt(holds.size());
      for (DataRights.Hold h : holds) {
        str(d, h.id);
        str(d, h.account);
        d.writeByte(h.scope.kind().ordinal());
        str(d, h.scope.id());
        str(d, h.matter);
        str(d, h.by);
        d.writeLong(h.at);
        d.writeLong(h.pos);
        strings(d, h.released);
      }
    }

    /** A map of string histories (who deleted, who removed), those begun by the position. */
    private void stamped(Out d, Map<String, History<String>> m) {
      List<Map.Entry<String, History<String>>> es = new ArrayList<>();
      for (Map.Entry<String, History<String>> e : m.entrySet()) {
        if (seen(e.getValue())) {
          es.add(e);
        }
      }
      es.sort(Comparator.comparingLong((Map.Entry<String, History<String>> e) ->
          e.getValue().first().pos()).thenComparing(Map.Entry::getKey));
      d.writeInt(es.size());
      for (Map.Entry<String, History<String>> e : es) {
        str(d, e.getKey());
        strings(d, e.getValue());
      }
    }

    /**
     * The content table as columns (format 4): every id's UTF-8 bytes in one run and their
     * lengths, categories, owners, meetings (their index among the meetings written), authors,
     * other contributors, times as zigzag gaps and positions as gaps, so the restore reads each
     * column into one array.
     */
    private void contents(Out d) {
      ContentTable.View v = state.contents.view();
      int n = 0;
      int count = v.count();
      while (n < count && v.pos(n) <= p) {
        n++;
      }
      d.writeInt(n);
      int bytes = n == 0 ? 0 : v.idEnd(n - 1);
      d.writeInt(bytes);
      d.write(v.idBytes(), 0, bytes);
      for (int i = 0; i < n; i++) {
        d.writeVarint(v.idEnd(i) - v.idStart(i));
      }
      for (int i = 0; i < n; i++) {
        d.writeByte(v.category(i));
      }
      for (int i = 0; i < n; i++) {
        str(d, v.account(i));
      }
      for (int i = 0; i < n; i++) {
        Meeting m = v.meeting(i);
        d.writeVarint(m == null ? 0 : meetingIndex(m));
      }
      for (int i = 0; i < n; i++) {
        str(d, v.author(i));
      }
      for (int i = 0; i < n; i++) {
        String[] others = v.others(i);
        if (others == null) {
          d.writeVarint(0);
        } else {
          d.writeVarint(others.length);
          for (String o : others) {
            str(d, o);
          }
        }
      }
      long last = 0;
      for (int i = 0; i < n; i++) {
        d.writeZigzag(v.at(i) - last);
        last = v.at(i);
      }
      last = 0;
      for (int i = 0; i < n; i++) {
        d.writeVarint(v.pos(i) - last);
        last = v.pos(i);
      }
    }

    /** A position list as of the checkpoint (format 3): count, first, then varint gaps. */
    private void positions(Out d, PositionList list) {
      long[] ps = list.upTo(p);
      d.writeInt(ps.length);
      long last = 0;
      for (long x : ps) {
        long gap = x - last;
        while (gap >= 0x80) {
          d.writeByte((int) (gap | 0x80));
          gap >>>= 7;
        }
        d.writeByte((int) gap);
        last = x;
      }
    }

    /** The position that added the participant: its earliest entry of any kind. */
    private long createdAt(Participant x) {
      long min = Long.MAX_VALUE;
      for (History<?> h : x.acks) {
        min = Math.min(min, firstPos(h));
      }
      return Math.min(min, Math.min(firstPos(x.present), firstPos(x.organisation)));
    }

    private static long firstPos(History<?> h) {
      History.Entry<?> first = h.first();
      return first == null ? Long.MAX_VALUE : first.pos();
    }

    private boolean seen(History<?> h) {
      History.Entry<?> first = h.first();
      return first != null && first.pos() <= p;
    }

    private boolean anySeen(History<?>[] hs) {
      for (History<?> h : hs) {
        if (seen(h)) {
          return true;
        }
      }
      return false;
    }

    private <V> List<History.Entry<V>> upTo(History<V> h) {
      History.Entry<V>[] all = h.all();
      int n = 0;
      while (n < all.length && all[n].pos() <= p) {
        n++;
      }
      return Arrays.asList(all).subList(0, n);
    }

    private void booleans(Out d, History<Boolean> h) {
      List<History.Entry<Boolean>> es = upTo(h);
      d.writeInt(es.size());
      for (History.Entry<Boolean> e : es) {
        d.writeLong(e.at());
        d.writeLong(e.pos());
        d.writeBoolean(e.value());
      }
    }

    private void booleans(Out d, History<Boolean>[] slots) {
      d.writeShort(slots.length);
      for (History<Boolean> h : slots) {
        booleans(d, h);
      }
    }

    private void strings(Out d, History<String> h) {
      List<History.Entry<String>> es = upTo(h);
      d.writeInt(es.size());
      for (History.Entry<String> e : es) {
        d.writeLong(e.at());
        d.writeLong(e.pos());
        str(d, e.value());
      }
    }

    private void settings(Out d, SettingsScope s) {
      d.writeShort(s.byKey.length);
      for (History<SettingValue> h : s.byKey) {
        List<History.Entry<SettingValue>> es = upTo(h);
        d.writeInt(es.size());
        for (History.Entry<SettingValue> e : es) {
          d.writeLong(e.at());
          d.writeLong(e.pos());
          SettingValue v = e.value();
          d.writeByte(v == null ? 0 : 1 | (v.value() ? 2 : 0) | (v.locked() ? 4 : 0));
        }
      }
    }
  }

  // ---------------------------------------------------------------- reading

  /**
   * The strings a restore has read, by number: each one's UTF-8 bytes as read, copied into
   * chunks, and the {@code String} made only when the decoding thread asks for it (issue 15). Most
   * of a large table's strings are the ids and organisations of ended meetings' participants,
   * which the filer interns into the arena from these bytes: at 50M the restore decoded millions
   * of strings that the filer then hashed by their chars and encoded to UTF-8 again. Everything
   * grows by a chunk and nothing is copied once written (at 50M a list of the table's millions
   * of strings grew by copying its one array, ≈ 10 % of the restore's thread, and each copy was
   * a new array of the old generation whose every card the collector's refinement scanned).
   *
   * <p>The bytes kept are always a string's encoding ({@link String#getBytes}), what the arena
   * would store for it: the writer writes nothing else, and bytes that are not (damage the
   * digest has not yet refused, or bytes that are not UTF-8) are replaced by the encoding of
   * what they decode to, as a decode and an intern of the string did.
   */
  private static final class Table {
    private static final int SHIFT = 14;
    private static final int PER = 1 << SHIFT;
    /** Bytes per chunk; a longer string gets one of its own. */
    private static final int BYTES_SHIFT = 20;
    private static final int BYTES = 1 << BYTES_SHIFT;
    /** Chunks an address can name (unsigned, above the offset's bits). */
    private static final int MAX_CHUNKS = 1 << (32 - BYTES_SHIFT);
    private byte[][] bytes = new byte[16][];
    private int byteChunks;
    /** Bytes used in the last chunk. */
    private int used = BYTES;
    /** Per string, chunked by {@link #PER}: its chunk above its offset's bits. */
    private int[][] at = new int[16][];
    /** Per string, chunked by {@link #PER}: the string, once made (decoding thread only). */
    private String[][] made = new String[16][];
    private int size;

    int size() {
      return size;
    }

    /** Reads the next {@code len} bytes of d as the next string. */
    void add(In d, int len) {
      long a = reserve(MeetingArena.varintLength(len) + len);
      byte[] c = bytes[(int) (a >>> 32)];
      int off = MeetingArena.putVarint(c, (int) a, len);
      d.readFully(c, off, len);
      int k = size;
      int chunk = k >>> SHIFT;
      if (chunk == at.length) {
        at = Arrays.copyOf(at, chunk * 2);
        made = Arrays.copyOf(made, chunk * 2);
      }
      if (at[chunk] == null) {
        at[chunk] = new int[PER];
      }
      at[chunk][k & (PER - 1)] = (int) (a >>> 32) << BYTES_SHIFT | (int) a;
      size = k + 1;
      for (int i = off; i < off + len; i++) {
        if (c[i] < 0) {
          canonical(k, c, off, len);
          return;
        }
      }
    }

    /** String k, not all ASCII: kept made, and as its own encoding where the bytes were not. */
    private void canonical(int k, byte[] c, int off, int len) {
      String s = new String(c, off, len, StandardCharsets.UTF_8);
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (!Arrays.equals(b, 0, b.length, c, off, off + len)) {
        long a = reserve(MeetingArena.varintLength(b.length) + b.length);
        byte[] to = bytes[(int) (a >>> 32)];
        System.arraycopy(b, 0, to, MeetingArena.putVarint(to, (int) a, b.length), b.length);
        at[k >>> SHIFT][k & (PER - 1)] = (int) (a >>> 32) << BYTES_SHIFT | (int) a;
      }
      keep(k, s);
    }

    private void keep(int k, String s) {
      String[] m = made[k >>> SHIFT];
      if (m == null) {
        m = new String[PER];
        made[k >>> SHIFT] = m;
      }
      m[k & (PER - 1)] = s;
    }

    /** Room for n bytes: the chunk's number in the high half, the offset in the low. */
    private long reserve(int n) {
      if (BYTES - used < n || n > BYTES) {
        if (byteChunks == MAX_CHUNKS) {
          throw new IllegalArgumentException("string table past " + MAX_CHUNKS + " chunks");
        }
        if (byteChunks == bytes.length) {
          bytes = Arrays.copyOf(bytes, byteChunks * 2);
        }
        bytes[byteChunks++] = new byte[Math.max(n, BYTES)];
        used = 0;
      }
      long a = (long) (byteChunks - 1) << 32 | used;
      // A chunk of its own is full: the next string starts the next chunk.
      used = n > BYTES ? BYTES : used + n;
      return a;
    }

    /** The string numbered {@code i} (made once); thrown, as a list's get, when there is none. */
    String get(int i) {
      check(i);
      String[] m = made[i >>> SHIFT];
      String s = m == null ? null : m[i & (PER - 1)];
      if (s == null) {
        View v = view();
        int a = v.address(i);
        byte[] c = v.chunk(a);
        int off = View.offset(a);
        int len = (int) MeetingArena.varint(c, off);
        s = new String(c, off + MeetingArena.varintLength(len), len, StandardCharsets.UTF_8);
        keep(i, s);
      }
      return s;
    }

    /** Thrown, as a list's get, when there is no string {@code i}. */
    void check(int i) {
      if (i < 0 || i >= size) {
        throw new IndexOutOfBoundsException("no string " + i + " among " + size);
      }
    }

    /**
     * The bytes as they are now, for another thread (handed off with them): they hold every
     * string added so far, and one added later never changes them where they do.
     */
    View view() {
      return new View(bytes, at);
    }

    /** The bytes of the strings of a {@link Table} as handed off. */
    record View(byte[][] bytes, int[][] at) {
      /** The address of string number i (which the view holds). */
      int address(int i) {
        return at[i >>> SHIFT][i & (PER - 1)];
      }

      /** The chunk holding the string at address a. */
      byte[] chunk(int a) {
        return bytes[a >>> BYTES_SHIFT];
      }

      /** The offset of the string at address a in its chunk: its varint length, its bytes. */
      static int offset(int a) {
        return a & (BYTES - 1);
      }
    }
  }

  /** Rebuilds the entities; strings come back as one shared instance each. */
  private static final class Reader {
    /** Meetings handed to the filer at a time. */
    private static final int BATCH = 4096;
    private final GovernanceState state;
    private final Filer filer;
    private final Table table = new Table();
    Reader(GovernanceState state, Filer filer) {
      this.state = state;
      this.filer = filer;
    }

    private String str(In d) {
      int i = d.readInt();
      if (i > 0) {
        return table.get(i - 1);
      }
      if (i == 0) {
        return null;
      }
      table.add(d, d.bounded(-(long) (i + 1), 1));
      return table.get(table.size() - 1);
    }

    /**
     * A string as {@link #str} reads it, as its number in the table (-1 for null); a new string
     * is added to the table as {@link #str} adds it.
     */
    private int number(In d) {
      int i = d.readInt();
      if (i > 0) {
        table.check(i - 1); // throws when the table has no such string, as str() does
        return i - 1;
      }
      if (i == 0) {
        return -1;
      }
      table.add(d, d.bounded(-(long) (i + 1), 1));
      return table.size() - 1;
    }

    /** Per string of the table, the account it names, once looked up (null: not yet). */
    private Account[] ownerOf = new Account[256];

    /**
     * The account named by string number k of the table (null for none or k -1), looked up in
     * the state's map once per string rather than once per meeting (at 50M a map lookup a
     * meeting, a cache miss or two each, was 13 % of the restore's thread).
     */
    /** Per string number, the user its id named last as a meeting's host (see below). */
    private User[] hostUsers = new User[256];

    /**
     * A meeting's host as {@link Meeting} keeps it: the user of the meeting's account {@code a}
     * named by string number {@code k}, or the id alone where the account has no such user
     * (issue 15: a decision then finds the host from the meeting, not the users' map). A host
     * holds several meetings: the map is asked once per host and account, not per meeting.
     */
    private Object hostNamed(Account a, int k) {
      if (k >= hostUsers.length) {
        hostUsers = Arrays.copyOf(hostUsers, Math.max(k + 1, hostUsers.length * 2));
      }
      User u = hostUsers[k];
      if (u == null || u.account != a) {
        String id = table.get(k);
        u = a == null ? null : a.users.get(id);
        if (u == null) {
          return id;
        }
        hostUsers[k] = u;
      }
      return u;
    }

    private Account accountNamed(int k) {
      if (k < 0) {
        return null;
      }
      if (k >= ownerOf.length) {
        ownerOf = Arrays.copyOf(ownerOf, Math.max(k + 1, ownerOf.length * 2));
      }
      Account a = ownerOf[k];
      if (a == null) {
        a = state.accounts.get(table.get(k));
        ownerOf[k] = a;
      }
      return a;
    }

    /**
     * Per string of the table, the number of the account it names + 2 (1: it names none; 0: not
     * looked up yet).
     */
    private int[] numberOf = new int[256];

    /**
     * The number in the state ({@link Entities.Account#number}) of the account named by string
     * number k of the table, -1 for none or k -1. Issue 15: the content's owner column numbers
     * its items by this, an int per string of the table; a look-up per item by the account's
     * string (its hash, a cache and the map) made the restore's main thread 3 CPU-s slower at
     * 50M.
     */
    private int accountNumber(int k) {
      if (k < 0) {
        return -1;
      }
      if (k >= numberOf.length) {
        numberOf = Arrays.copyOf(numberOf, Math.max(k + 1, numberOf.length * 2));
      }
      int n = numberOf[k];
      if (n == 0) {
        // Not through ownerOf: the filer reads that array while the contents are read.
        Account a = state.accounts.get(table.get(k));
        n = a == null ? 1 : a.number + 2;
        numberOf[k] = n;
      }
      return n - 2;
    }

    /**
     * Per string of the table, its number in the state's arena + 1 (0: not yet interned). The
     * filer's (it interns), or the content's author pass's, on whichever thread that runs.
     */
    private int[] pooledOf = new int[256];

    /**
     * On the filer: string number k of the table (-1: null) as its number in the state's arena
     * + 1 (0: null), interned once per string of the table, from its bytes; {@code strings} is
     * the table as the decoding thread handed it off, holding k.
     */
    private int pooled(int k, Table.View strings) {
      if (k < 0) {
        return 0;
      }
      if (k >= pooledOf.length) {
        pooledOf = java.util.Arrays.copyOf(pooledOf, Math.max(k + 1, pooledOf.length * 2));
      }
      int p = pooledOf[k];
      if (p == 0) {
        int a = strings.address(k);
        byte[] c = strings.chunk(a);
        int at = Table.View.offset(a);
        int len = (int) MeetingArena.varint(c, at);
        p = state.arena.intern(c, at + MeetingArena.varintLength(len), len) + 1;
        pooledOf[k] = p;
      }
      return p;
    }

    /**
     * On the filer: whether author k of the table (interned as p, its number in the arena + 1)
     * is host h of the item's meeting (-1: none), as the strings' equality tells it: by their
     * numbers in the table or in the arena (one string, one number in either where the writer
     * wrote the table), by their bytes where the host's string was never interned (issue 15: no
     * string compared, and no bytes read, per item).
     */
    private boolean isHost(int k, int p, int h, Table.View strings) {
      if (k == h) {
        return true;
      }
      if (h < 0) {
        return false;
      }
      int hp = h < pooledOf.length ? pooledOf[h] : 0;
      if (hp != 0) {
        return hp == p;
      }
      int a = strings.address(k);
      int b = strings.address(h);
      byte[] ca = strings.chunk(a);
      byte[] cb = strings.chunk(b);
      int x = Table.View.offset(a);
      int y = Table.View.offset(b);
      int la = (int) MeetingArena.varint(ca, x);
      int lb = (int) MeetingArena.varint(cb, y);
      x += MeetingArena.varintLength(la);
      y += MeetingArena.varintLength(lb);
      return la == lb && Arrays.equals(ca, x, x + la, cb, y, y + lb);
    }

    /**
     * Meetings read whose participants the filer packs (or compacts), in the order read: the
     * packed form's fields by meeting, their strings as numbers in the table.
     */
    private final class Packing implements Runnable {
      final Meeting[] meetings = new Meeting[BATCH];
      /** Null: a meeting read with live participants, compacted as the replay's end did. */
      final int[][] refs = new int[BATCH][];
      final int[] counts = new int[BATCH];
      final byte[][] data = new byte[BATCH][];
      final long[] baseAt = new long[BATCH];
      final long[] basePos = new long[BATCH];
      int size;
      /** The table when handed off (every string the refs name is in it). */
      Table.View strings;

      boolean full() {
        return size == BATCH;
      }

      @Override
      public void run() {
        MeetingArena arena = state.arena;
        for (int j = 0; j < size; j++) {
          Meeting m = meetings[j];
          int[] r = refs[j];
          if (r == null) {
            m.close(arena);
            continue;
          }
          // Each string of the table interned in the arena once, not once per meeting.
          for (int x = 0; x < r.length; x++) {
            r[x] = pooled(r[x], strings);
          }
          m.pack(EndedParticipants.restoreRefs(arena, m.packPrefix(), r, counts[j], data[j],
              baseAt[j], basePos[j]));
        }
      }
    }

    /** The batch being filled; handed to the filer when full and at the section's end. */
    private Packing packing = new Packing();

    private void handOff() {
      if (packing.size > 0) {
        packing.strings = table.view();
        filer.submit(packing);
        packing = new Packing();
      }
    }

    /** What {@link #idHash} returns for an id that is not all ASCII. */
    static final int NOT_ASCII = 0x80000000;

    /**
     * The {@link String#hashCode()} of the string whose UTF-8 bytes {@code b} are, where they are
     * all ASCII (each byte is then a char: no string made); else {@link #NOT_ASCII}. An ASCII
     * string whose hash is that value is decoded too, which gives the same bytes and hash.
     */
    static int idHash(byte[] b) {
      int h = 0;
      for (byte x : b) {
        if (x < 0) {
          return NOT_ASCII;
        }
        h = 31 * h + x;
      }
      return h;
    }

    /** The content table's columns (format 4), straight into the table's arrays. */
    private void contents(In d, Meeting[] byIndex, int[] accountOf, int[] hostOf) {
      // Each item takes at least a byte in each of its eight columns, four in two of them.
      int n = d.bounded(d.readInt(), 14);
      int bytes = d.bounded(d.readInt(), 1);
      ContentTable.Filler f = state.contents.filler(n, bytes);
      d.readFully(f.idBytes(), bytes);
      int end = 0;
      for (int i = 0; i < n; i++) {
        end += d.readCount(bytes);
        f.idEnd(i, end);
      }
      for (int i = 0; i < n; i++) {
        f.category(i, d.readUnsignedByte());
      }
      for (int i = 0; i < n; i++) {
        int k = number(d);
        f.owner(i, k < 0 ? null : table.get(k), accountNumber(k));
      }
      // Per item, its meeting's host as a number in the table (-1: none), for the authors.
      int[] hosts = new int[n];
      for (int i = 0; i < n; i++) {
        int m = d.readCount(byIndex.length);
        if (m == 0) {
          hosts[i] = -1;
          continue;
        }
        f.meeting(i, byIndex[m - 1], accountOf[m - 1]);
        hosts[i] = hostOf[m - 1];
      }
      // Past this mark the filer interns nothing more (the ended meetings are packed).
      CountDownLatch packed = filer.mark();
      // The ids are whole: the filer indexes them while the other columns are read.
      filer.submit(f::index);
      int[] authors = new int[n];
      for (int i = 0; i < n; i++) {
        authors[i] = number(d);
      }
      Table.View strings = table.view();
      // After the owner and meeting columns (the host's is told from the meeting's): as its
      // number in the arena, interned once per string of the table, not per item. Issue 15:
      // run by the thread that comes to it first, the filer once the index is made or this
      // one once the columns below are read: at 10M the filer made the index and then this
      // pass while this thread waited, the start's last second. Either runs it after the
      // mark, when no other task interns; the index, which may run beside it, reads the id
      // ends in the rows' words this pass writes the author half of, and a word's id end is
      // the same before and after (a torn write leaves it whole).
      AtomicBoolean claimed = new AtomicBoolean();
      Runnable authorPass = () -> {
        for (int i = 0; i < n; i++) {
          int k = authors[i];
          if (k < 0) {
            f.author(i, 0, false);
            continue;
          }
          int p = pooled(k, strings);
          f.author(i, p, isHost(k, p, hosts[i], strings));
        }
      };
      filer.submit(() -> {
        if (claimed.compareAndSet(false, true)) {
          authorPass.run();
        }
      });
      for (int i = 0; i < n; i++) {
        int k = d.bounded(d.readCount(1 << 16), 4);
        if (k > 0) {
          String[] o = new String[k];
          for (int j = 0; j < k; j++) {
            o[j] = str(d);
          }
          f.others(i, o);
        }
      }
      long t = 0;
      for (int i = 0; i < n; i++) {
        t += d.readZigzag();
        f.at(i, t);
      }
      long q = 0;
      for (int i = 0; i < n; i++) {
        q += d.readVarint();
        f.pos(i, q);
      }
      if (claimed.compareAndSet(false, true)) {
        filer.await(packed);
        authorPass.run();
      }
      // After the author pass, whichever thread ran it (the queue orders this one's before).
      filer.submit(f::finish);
    }

    /** Position lists, and their bytes, handed to the filer at a time (whichever comes first). */
    private static final int LISTS = 256;
    private static final int LIST_BYTES = 1 << 20;

    /**
     * Position lists read, which the filer restores (decodes into the lists' own form): at 50M
     * that was a quarter of the decoding thread's time, while the filer had nothing to do
     * before the meetings come. Handed off as the bytes read (issue 15: a {@code long} per
     * position, eight bytes of garbage, was made only to be encoded again).
     */
    private final class Restoring implements Runnable {
      final PositionList[] lists = new PositionList[LISTS];
      /** The lists' varints, one after the other; list j's end at {@code ends[j]}. */
      byte[] bytes = new byte[1 << 16];
      final int[] ends = new int[LISTS];
      final int[] counts = new int[LISTS];
      int size;

      int used() {
        return size == 0 ? 0 : ends[size - 1];
      }

      @Override
      public void run() {
        int at = 0;
        for (int j = 0; j < size; j++) {
          lists[j].restore(bytes, at, counts[j]);
          lists[j] = null;
          at = ends[j];
        }
        size = 0;
        // Filled again by the decoding thread (the queue's happens-before): no garbage a batch.
        spare.offer(this);
      }
    }

    /** Batches the filer restored, to fill again. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Restoring> spare =
        new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** The batch of position lists being filled; handed off when full and after the accounts. */
    private Restoring restoring = new Restoring();

    private void restoreLists() {
      if (restoring.size > 0) {
        filer.submit(restoring);
        Restoring r = spare.poll();
        restoring = r != null ? r : new Restoring();
      }
    }

    /**
     * A position list (format 3 and on: count, then varint gaps), restored in one piece by the
     * filer.
     */
    private void positions(In d, PositionList list) {
      int n = d.bounded(d.readInt(), 1);
      Restoring r = restoring;
      int at = r.used();
      r.bytes = d.copyVarints(n, r.bytes, at);
      int j = r.size++;
      r.lists[j] = list;
      r.ends[j] = at + d.copied;
      r.counts[j] = n;
      if (r.size == LISTS || r.ends[j] >= LIST_BYTES) {
        restoreLists();
      }
    }

    void read(In d) {
      int accounts = d.readInt();
      for (int i = 0; i < accounts; i++) {
        Account a = new Account(str(d), str(d), d.readLong(), d.readLong());
        strings(d, a.terms);
        booleans(d, a.consents);
        settings(d, a);
        int groups = d.readInt();
        for (int g = 0; g < groups; g++) {
          Group group = new Group(str(d), d.readLong(), d.readLong());
          settings(d, group);
          a.groups.put(group.id, group);
        }
        int users = d.readInt();
        Role[] roles = Role.values();
        for (int u = 0; u < users; u++) {
          String id = str(d);
          Role role = roles[d.readByte()];
          String group = str(d);
          Group g = group == null ? null : a.groups.get(group);
          User user = new User(a, id, role, g == null ? group : g, d.readLong(), d.readLong());
          settings(d, user);
          a.users.put(user.id, user);
        }
        positions(d, a.events);
        positions(d, a.audit);
        positions(d, a.termsAndConsents);
        positions(d, a.content);
        state.putAccount(a);
      }
      restoreLists();
      int meetings = d.bounded(d.readInt(), 16);
      Meeting[] byIndex = new Meeting[meetings];
      // Each meeting's account, and how many meetings name each string of the table as their
      // account: the accounts' arrays and the index by id are filled once every meeting is
      // read (below).
      Account[] owners = new Account[meetings];
      // Each meeting's account's number in the state (Account.number), for the content.
      int[] accountOf = new int[meetings];
      int[] hostOf = new int[meetings];
      int[] meetingsOf = new int[table.size() + 1024];
      for (int i = 0; i < meetings; i++) {
        byte[] id = d.rawBytes(d.bounded(d.readCount(1 << 24), 1));
        int idHash = idHash(id);
        if (idHash == NOT_ASCII) {
          // As the id was read before: decoded, then its own bytes and hash (rare).
          String s = new String(id, StandardCharsets.UTF_8);
          id = s.getBytes(StandardCharsets.UTF_8);
          idHash = s.hashCode();
        }
        int accountNumber = number(d);
        String account = accountNumber < 0 ? null : table.get(accountNumber);
        int hostNumber = number(d);
        Account owner = accountNamed(accountNumber);
        Object host = hostNumber < 0 ? null : hostNamed(owner, hostNumber);
        hostOf[i] = hostNumber;
        long at = d.readLong();
        long pos = d.readLong();
        int features = d.bounded(d.readCount(1 << 20), 16);
        long[] log = new long[features * 2];
        for (int j = 0; j < log.length; j++) {
          log[j] = d.readLong();
        }
        boolean ended = d.readBoolean();
        long endedAt = ended ? d.readLong() : 0;
        long endedPos = ended ? d.readLong() : 0;
        boolean packed = d.readBoolean();
        // A packed ended meeting needs no participant map.
        Meeting m = new Meeting(id, idHash, account, host, at, pos,
            packed ? null : new java.util.concurrent.ConcurrentHashMap<>());
        if (features > 0) {
          m.restoreFeatureLog(log);
        }
        if (ended) {
          m.end(endedAt, endedPos);
        }
        if (packed) {
          if (!m.hasEnded()) {
            throw new IllegalArgumentException("packed participants of a running meeting");
          }
          Packing p = packing;
          int j = p.size++;
          p.meetings[j] = m;
          p.counts[j] = d.readCount(1 << 24);
          // As numbers in the table: the filer interns them.
          int[] refs = new int[d.bounded(d.readCount(1 << 26), 4)];
          for (int x = 0; x < refs.length; x++) {
            refs[x] = number(d);
          }
          p.refs[j] = refs;
          byte[] data = new byte[d.bounded(d.readCount(1 << 30), 1)];
          d.readFully(data);
          p.data[j] = data;
          p.baseAt[j] = d.readLong();
          p.basePos[j] = d.readLong();
          if (p.full()) {
            handOff();
          }
        } else {
          int ps = d.readInt();
          for (int j = 0; j < ps; j++) {
            Participant x = new Participant(str(d));
            booleans(d, x.present);
            strings(d, x.organisation);
            History<Boolean>[] acks = Entities.histories(x.acks.length);
            if (readSlots(d, acks) > 0) {
              x.acks = acks;
            }
            m.participants().put(x.id, x);
          }
          if (m.hasEnded()) {
            // Filled in the order the replay filled it, then compacted as the replay's end did
            // (by the filer, in its turn: the arena numbers strings in the order they come).
            Packing p = packing;
            p.meetings[p.size++] = m;
            if (p.full()) {
              handOff();
            }
          }
        }
        byIndex[i] = m;
        if (owner == null) {
          throw new IllegalArgumentException("meeting of an unknown account");
        }
        owners[i] = owner;
        accountOf[i] = owner.number;
        if (accountNumber >= meetingsOf.length) {
          meetingsOf = Arrays.copyOf(meetingsOf, Math.max(accountNumber + 1,
              meetingsOf.length * 2));
        }
        meetingsOf[accountNumber]++;
      }
      handOff();
      Account[] meetingOwners = owners;
      int[] counted = meetingsOf;
      Account[] named = ownerOf;
      filer.submit(() -> meetingsIn(byIndex, meetingOwners, counted, named));
      contents(d, byIndex, accountOf, hostOf);
      rights(d);
    }

    /**
     * Files the meetings read, in their order, into their accounts' arrays and the index by id
     * (issue 15). Filled as they were read, at 50M the index's puts (at random slots of a
     * humongous array, grown by rebuilding it over and over) and each account's array (old by
     * the time its next meeting came) marked about a card per meeting for the collector's
     * refinement threads (7–8 CPU-s a start). Here each account's array is made once at its
     * size, young, and filled at once; the index is grown once and filled in slot order.
     */
    private void meetingsIn(Meeting[] byIndex, Account[] owners, int[] meetingsOf,
        Account[] ownerOf) {
      // Per account (a few per thousand meetings), how many: one string names one account.
      Map<Account, int[]> counts = new java.util.IdentityHashMap<>();
      for (int k = 0; k < meetingsOf.length; k++) {
        if (meetingsOf[k] > 0) {
          counts.computeIfAbsent(ownerOf[k], a -> new int[1])[0] += meetingsOf[k];
        }
      }
      for (Map.Entry<Account, int[]> e : counts.entrySet()) {
        Account a = e.getKey();
        if (a.meetingCount == 0) {
          a.meetings = new Meeting[e.getValue()[0]];
        }
      }
      for (int i = 0; i < byIndex.length; i++) {
        owners[i].addMeeting(byIndex[i]);
      }
      state.meetings.putAll(byIndex);
    }

    private void rights(In d) {
      DataRights r = state.rights;
      int valued = d.readInt();
      for (int i = 0; i < valued; i++) {
        String key = str(d);
        String[] parts = key.split("\u0000", -1);
        if (parts.length != 3) {
          throw new IllegalArgumentException("valued setting key with " + parts.length
              + " parts");
        }
        History<DataRights.Valued> h = new History<>();
        int n = d.readInt();
        for (int j = 0; j < n; j++) {
          long at = d.readLong();
          long pos = d.readLong();
          int tag = d.readUnsignedByte();
          boolean locked = (tag & 4) != 0;
          DataRights.Valued v;
          switch (tag & 3) {
            case 0 -> v = null;
            case 1 -> v = new DataRights.Valued(
                new org.covenant.core.event.SettingValue.Number(d.readLong()), locked);
            case 2 -> {
              int k = d.readInt();
              List<String> codes = new ArrayList<>(k);
              for (int c = 0; c < k; c++) {
                codes.add(str(d));
              }
              v = new DataRights.Valued(new org.covenant.core.event.SettingValue.Codes(codes),
                  locked);
            }
            default -> throw new IllegalArgumentException("valued setting tag " + tag);
          }
          h.add(at, pos, v);
        }
        r.valued.put(key, h);
        r.valuedAccounts.add(parts[1]);
      }
      stamped(d, r.deleted);
      stamped(d, r.removed);
      int holds = d.readInt();
      HoldScope.Kind[] kinds = HoldScope.Kind.values();
      for (int i = 0; i < holds; i++) {
        String id = str(d);
        String account = str(d);
        HoldScope scope = new HoldScope(kinds[d.readUnsignedByte()], str(d));
        DataRights.Hold h = new DataRights.Hold(id, account, scope, str(d), str(d), d.readLong(),
            d.readLong());
        strings(d, h.released);
        r.addHold(h);
      }
    }

    private void stamped(In d, Map<String, History<String>> m) {
      int n = d.readInt();
      for (int i = 0; i < n; i++) {
        String key = str(d);
        History<String> h = new History<>();
        strings(d, h);
        m.put(key, h);
      }
    }

    /** Fills the slots' histories; the number of slots with entries. */
    private int readSlots(In d, History<Boolean>[] slots) {
      int n = d.readUnsignedShort();
      if (n != slots.length) {
        throw new IllegalArgumentException("expected " + slots.length + " slots, found " + n);
      }
      int written = 0;
      for (int i = 0; i < n; i++) {
        History<Boolean> h = new History<>();
        if (booleans(d, h) > 0) {
          slots[i] = h;
          written++;
        } else {
          slots[i] = History.none();
        }
      }
      return written;
    }

    private void booleans(In d, History<Boolean>[] slots) {
      readSlots(d, slots);
    }

    private int booleans(In d, History<Boolean> h) {
      int n = d.readInt();
      for (int i = 0; i < n; i++) {
        h.add(d.readLong(), d.readLong(), d.readBoolean());
      }
      return n;
    }

    private void strings(In d, History<String> h) {
      int n = d.readInt();
      for (int i = 0; i < n; i++) {
        h.add(d.readLong(), d.readLong(), str(d));
      }
    }

    private void settings(In d, SettingsScope s) {
      int keys = d.readUnsignedShort();
      if (keys != s.byKey.length) {
        throw new IllegalArgumentException("expected " + s.byKey.length + " settings, found " + keys);
      }
      for (int k = 0; k < keys; k++) {
        int n = d.readInt();
        if (n == 0) {
          continue;
        }
        History<SettingValue> h = History.writable(s.own(), k);
        for (int i = 0; i < n; i++) {
          long at = d.readLong();
          long pos = d.readLong();
          int v = d.readUnsignedByte();
          h.add(at, pos, v == 0 ? null : new SettingValue((v & 2) != 0, (v & 4) != 0));
        }
      }
    }
  }
}
