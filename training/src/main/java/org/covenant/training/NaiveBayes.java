package org.covenant.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.covenant.format.Json;
import org.covenant.format.Problem;
import org.covenant.format.Result;

/**
 * A governed text classifier: multinomial naive Bayes over hashed tokens whose whole training
 * state is additive counts, kept both in total and per <i>contribution group</i> (the set of
 * accounts a record belongs to: its owner and its other contributors). Removing an account
 * subtracts every group that contains it, which leaves exactly the counts that training without
 * that account's records would produce: unlearning is exact, not approximate.
 *
 * <p>Canonical form: labels sorted (labels left with no document are dropped), zero counts
 * omitted, groups sorted by key. {@link #countsBytes()} serializes it, so two models with equal
 * counts have equal bytes and equal {@link #countsSha256()}.
 *
 * <p>File ({@code MODEL}), little-endian: magic {@code CVNBAYES}, u16 version 1, u16 0, u32
 * metadata length, metadata (UTF-8 JSON: name, builds, unlearned accounts), u64 counts length,
 * counts ({@link #countsBytes()}), u32 CRC-32C of everything before it. Counts: u32 buckets, u32
 * labels, each label (u16 length, UTF-8), u64 documents per label, u32 n then n × (u32 key, u64
 * count) of total token counts (key = label × buckets + bucket), u32 groups, each group (u32
 * length, UTF-8 key: account ids sorted and joined by a newline; u64 documents per label; u32 n,
 * n × (u32 key, u64 count)).
 */
public final class NaiveBayes {
  /** The default number of hash buckets (2^18). */
  public static final int DEFAULT_BUCKETS = 1 << 18;
  static final byte[] MAGIC = "CVNBAYES".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern SPLIT = Pattern.compile("[^\\p{L}\\p{N}_]+");

  private final int buckets;
  private final List<String> labels;
  private final long[] docs;
  private final long[] tokens;
  private final long[] totals;
  /** Groups by key; each holds per-label documents and sparse token counts. */
  private final TreeMap<String, Group> groups;
  private final ObjectNode metadata;

  private record Group(long[] docs, int[] keys, long[] counts) {}

  private NaiveBayes(int buckets, List<String> labels, long[] docs, long[] tokens,
      TreeMap<String, Group> groups, ObjectNode metadata) {
    this.buckets = buckets;
    this.labels = List.copyOf(labels);
    this.docs = docs;
    this.tokens = tokens;
    this.totals = new long[labels.size()];
    for (int l = 0; l < labels.size(); l++) {
      long s = 0;
      for (int b = 0; b < buckets; b++) {
        s += tokens[l * buckets + b];
      }
      totals[l] = s;
    }
    this.groups = groups;
    this.metadata = metadata;
  }

  /**
   * Counts read from training documents: what the training state is before it is frozen into a
   * canonical model.
   */
  static final class Counts {
    final int buckets;
    final List<String> labels = new ArrayList<>();
    final Map<String, Integer> labelIndex = new HashMap<>();
    long[] docs = new long[4];
    final SparseCounts tokens = new SparseCounts();
    final Map<String, MutableGroup> groups = new HashMap<>();

    Counts(int buckets) {
      if (Integer.bitCount(buckets) != 1 || buckets < 2) {
        throw new IllegalArgumentException("buckets must be a power of two, got " + buckets);
      }
      this.buckets = buckets;
    }

    int label(String name) {
      Integer l = labelIndex.get(name);
      if (l == null) {
        if ((long) (labels.size() + 1) * buckets > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("too many labels for " + buckets + " buckets");
        }
        l = labels.size();
        labels.add(name);
        labelIndex.put(name, l);
        if (l >= docs.length) {
          docs = Arrays.copyOf(docs, docs.length * 2);
        }
      }
      return l;
    }

    /** Adds one document of {@code accounts} (owner and contributors) with its token buckets. */
    void add(Collection<String> accounts, String label, int[] tokenBuckets) {
      int l = label(label);
      String key = groupKey(accounts);
      MutableGroup g = groups.computeIfAbsent(key, k -> new MutableGroup());
      docs[l]++;
      g.doc(l);
      for (int b : tokenBuckets) {
        int k = l * buckets + b;
        tokens.add(k, 1);
        g.tokens.add(k, 1);
      }
    }

    NaiveBayes freeze(ObjectNode metadata) {
      // Canonical labels: sorted, only those with documents.
      List<String> kept = new ArrayList<>();
      for (int l = 0; l < labels.size(); l++) {
        if (docs[l] > 0) {
          kept.add(labels.get(l));
        }
      }
      kept.sort(null);
      int[] remap = new int[labels.size()];
      Arrays.fill(remap, -1);
      for (int i = 0; i < kept.size(); i++) {
        remap[labelIndex.get(kept.get(i))] = i;
      }
      long[] d = new long[kept.size()];
      for (int l = 0; l < labels.size(); l++) {
        if (remap[l] >= 0) {
          d[remap[l]] = docs[l];
        }
      }
      long[] t = new long[kept.size() * buckets];
      for (int k : tokens.sortedKeys()) {
        int l = remap[k / buckets];
        if (l < 0) {
          throw new IllegalStateException("tokens counted for a label without documents");
        }
        t[l * buckets + k % buckets] = tokens.get(k);
      }
      TreeMap<String, Group> gs = new TreeMap<>();
      for (Map.Entry<String, MutableGroup> e : groups.entrySet()) {
        MutableGroup g = e.getValue();
        long[] gd = new long[kept.size()];
        boolean any = false;
        for (int l = 0; l < labels.size() && l < g.docs.length; l++) {
          if (g.docs[l] != 0) {
            gd[remap[l]] = g.docs[l];
            any = true;
          }
        }
        if (!any) {
          continue;
        }
        int[] raw = g.tokens.sortedKeys();
        int[] keys = new int[raw.length];
        long[] counts = new long[raw.length];
        for (int i = 0; i < raw.length; i++) {
          keys[i] = remap[raw[i] / buckets] * buckets + raw[i] % buckets;
          counts[i] = g.tokens.get(raw[i]);
        }
        // Remapping labels can reorder keys: sort the pairs by key.
        Integer[] order = new Integer[keys.length];
        for (int i = 0; i < order.length; i++) {
          order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(keys[a], keys[b]));
        int[] sk = new int[keys.length];
        long[] sc = new long[keys.length];
        for (int i = 0; i < order.length; i++) {
          sk[i] = keys[order[i]];
          sc[i] = counts[order[i]];
        }
        gs.put(e.getKey(), new Group(gd, sk, sc));
      }
      return new NaiveBayes(buckets, kept, d, t, gs, metadata);
    }
  }

  private static final class MutableGroup {
    long[] docs = new long[4];
    final SparseCounts tokens = new SparseCounts();

    void doc(int l) {
      if (l >= docs.length) {
        docs = Arrays.copyOf(docs, Math.max(docs.length * 2, l + 1));
      }
      docs[l]++;
    }
  }

  static String groupKey(Collection<String> accounts) {
    List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(accounts));
    return String.join("\n", sorted);
  }

  /** The hash bucket of each token of {@code text}. */
  static int[] tokenize(String text, int buckets) {
    String[] parts = SPLIT.split(text.toLowerCase(Locale.ROOT));
    int[] out = new int[parts.length];
    int n = 0;
    for (String p : parts) {
      if (p.isEmpty()) {
        continue;
      }
      int h = 0x811C9DC5;
      for (byte b : p.getBytes(StandardCharsets.UTF_8)) {
        h = (h ^ (b & 0xff)) * 0x01000193;
      }
      out[n++] = h & (buckets - 1);
    }
    return Arrays.copyOf(out, n);
  }

  /**
   * What training read.
   *
   * @param used documents counted
   * @param withoutText included records with no text
   * @param excluded records skipped because they involve an excluded account
   * @param notIncluded texts whose record the dataset does not include (governance kept them out)
   */
  public record Stats(long used, long withoutText, long excluded, long notIncluded) {}

  /**
   * A trained model with what training read.
   *
   * @param model the model
   * @param stats the counts of what was used and skipped
   */
  public record Trained(NaiveBayes model, Stats stats) {}

  /**
   * Trains on the records of a dataset build that have a text: {@code textFile} holds lines
   * {@code ID<TAB>TEXT} (label: the record's category) or {@code ID<TAB>LABEL<TAB>TEXT}. Records
   * involving an account of {@code exclude} (as owner or contributor) are skipped: training
   * "from scratch without" them.
   */
  public static Result<Trained> train(ContentCorpus included, Path textFile, Set<String> exclude,
      int buckets, ObjectNode metadata) {
    Map<String, String[]> texts = new HashMap<>();
    String src = textFile.toString();
    try (BufferedReader r = Files.newBufferedReader(textFile, StandardCharsets.UTF_8)) {
      int line = 0;
      for (String s = r.readLine(); s != null; s = r.readLine()) {
        line++;
        if (s.isBlank()) {
          continue;
        }
        String[] parts = s.split("\t", 3);
        if (parts.length < 2 || parts[0].isEmpty()) {
          return Result.failed(new Problem(src, "line " + line, "",
              "expected `ID<TAB>TEXT` or `ID<TAB>LABEL<TAB>TEXT`"));
        }
        String[] v = parts.length == 2 ? new String[] {null, parts[1]}
            : new String[] {parts[1], parts[2]};
        if (texts.put(parts[0], v) != null) {
          return Result.failed(new Problem(src, "line " + line, "",
              "content `" + parts[0] + "` has a text already"));
        }
      }
    } catch (NoSuchFileException e) {
      return Result.failed(new Problem(src, "", "", "no such file"));
    } catch (IOException e) {
      throw new TrainingException("text_io", "cannot read `" + textFile + "`: " + e.getMessage(), e);
    }
    Counts counts = new Counts(buckets);
    long used = 0;
    long without = 0;
    long excluded = 0;
    long matched = 0;
    for (int i = 0; i < included.size(); i++) {
      String[] t = texts.get(included.id(i));
      if (t == null) {
        without++;
        continue;
      }
      matched++;
      List<String> accounts = included.item(i).contributors();
      if (accounts.stream().anyMatch(exclude::contains)) {
        excluded++;
        continue;
      }
      String label = t[0] == null ? included.category(i).id() : t[0];
      counts.add(accounts, label, tokenize(t[1], buckets));
      used++;
    }
    ObjectNode meta = metadata.deepCopy();
    meta.putArray("unlearned");
    exclude.stream().sorted().forEach(a -> meta.withArray("unlearned").add(a));
    return Result.ok(new Trained(counts.freeze(meta),
        new Stats(used, without, excluded, texts.size() - matched)));
  }

  /**
   * The model without {@code account}: every contribution group holding it subtracted. Equal,
   * count for count, to training from scratch without the account's records.
   */
  public NaiveBayes unlearn(String account) {
    Counts c = thaw();
    for (Map.Entry<String, MutableGroup> e : new ArrayList<>(c.groups.entrySet())) {
      if (!List.of(e.getKey().split("\n")).contains(account)) {
        continue;
      }
      MutableGroup g = e.getValue();
      for (int l = 0; l < g.docs.length && l < c.labels.size(); l++) {
        c.docs[l] -= g.docs[l];
      }
      for (int k : g.tokens.sortedKeys()) {
        c.tokens.add(k, -g.tokens.get(k));
      }
      c.groups.remove(e.getKey());
    }
    ObjectNode meta = metadata.deepCopy();
    List<String> unlearned = new ArrayList<>();
    metadata.path("unlearned").forEach(n -> unlearned.add(n.asText()));
    if (!unlearned.contains(account)) {
      unlearned.add(account);
    }
    unlearned.sort(null);
    meta.putArray("unlearned");
    unlearned.forEach(a -> meta.withArray("unlearned").add(a));
    return c.freeze(meta);
  }

  private Counts thaw() {
    Counts c = new Counts(buckets);
    for (String l : labels) {
      c.label(l);
    }
    System.arraycopy(docs, 0, c.docs, 0, docs.length);
    for (int k = 0; k < tokens.length; k++) {
      if (tokens[k] != 0) {
        c.tokens.add(k, tokens[k]);
      }
    }
    for (Map.Entry<String, Group> e : groups.entrySet()) {
      MutableGroup g = new MutableGroup();
      g.docs = Arrays.copyOf(e.getValue().docs(), Math.max(4, labels.size()));
      Group src = e.getValue();
      for (int i = 0; i < src.keys().length; i++) {
        g.tokens.add(src.keys()[i], src.counts()[i]);
      }
      c.groups.put(e.getKey(), g);
    }
    return c;
  }

  /** The labels, sorted. */
  public List<String> labels() {
    return labels;
  }

  /** Documents per label, in {@link #labels()} order. */
  public long[] documents() {
    return docs.clone();
  }

  /** The number of contribution groups. */
  public int groups() {
    return groups.size();
  }

  /** The accounts of every contribution group (sorted within a group). */
  public List<List<String>> groupAccounts() {
    return groups.keySet().stream().map(k -> List.of(k.split("\n"))).toList();
  }

  /** The metadata stored with the model (name, builds, unlearned accounts). */
  public ObjectNode metadata() {
    return metadata.deepCopy();
  }

  /** The same counts with other metadata. */
  public NaiveBayes withMetadata(ObjectNode m) {
    return new NaiveBayes(buckets, labels, docs, tokens, groups, m.deepCopy());
  }

  /** The most likely label of a text (Laplace smoothing), or empty for a model with no labels. */
  public java.util.Optional<String> predict(String text) {
    if (labels.isEmpty()) {
      return java.util.Optional.empty();
    }
    int[] tb = tokenize(text, buckets);
    long total = 0;
    for (long d : docs) {
      total += d;
    }
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int l = 0; l < labels.size(); l++) {
      double s = Math.log((double) docs[l] / total);
      double denom = Math.log(totals[l] + (double) buckets);
      for (int b : tb) {
        s += Math.log(tokens[l * buckets + b] + 1.0) - denom;
      }
      if (s > bestScore) {
        bestScore = s;
        best = l;
      }
    }
    return java.util.Optional.of(labels.get(best));
  }

  /** The canonical serialization of the counts (see the class comment). */
  public byte[] countsBytes() {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (DataOutputStream o = new DataOutputStream(bos)) {
      writeInt(o, buckets);
      writeInt(o, labels.size());
      for (String l : labels) {
        byte[] b = l.getBytes(StandardCharsets.UTF_8);
        o.write(le16(b.length));
        o.write(b);
      }
      for (long d : docs) {
        writeLong(o, d);
      }
      int nnz = 0;
      for (long t : tokens) {
        nnz += t != 0 ? 1 : 0;
      }
      writeInt(o, nnz);
      for (int k = 0; k < tokens.length; k++) {
        if (tokens[k] != 0) {
          writeInt(o, k);
          writeLong(o, tokens[k]);
        }
      }
      writeInt(o, groups.size());
      for (Map.Entry<String, Group> e : groups.entrySet()) {
        byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
        writeInt(o, key.length);
        o.write(key);
        for (long d : e.getValue().docs()) {
          writeLong(o, d);
        }
        writeInt(o, e.getValue().keys().length);
        for (int i = 0; i < e.getValue().keys().length; i++) {
          writeInt(o, e.getValue().keys()[i]);
          writeLong(o, e.getValue().counts()[i]);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("in-memory write failed", e);
    }
    return bos.toByteArray();
  }

  /** SHA-256 of {@link #countsBytes()}, hex. */
  public String countsSha256() {
    return org.covenant.core.Sha256.hex(countsBytes());
  }

  private static byte[] le16(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8)};
  }

  private static void writeInt(DataOutputStream o, int v) throws IOException {
    o.writeInt(Integer.reverseBytes(v));
  }

  private static void writeLong(DataOutputStream o, long v) throws IOException {
    o.writeLong(Long.reverseBytes(v));
  }

  /** Writes the model file atomically (temporary file, then rename). */
  public void write(Path file) {
    byte[] meta = Json.line(metadata).getBytes(StandardCharsets.UTF_8);
    byte[] counts = countsBytes();
    ByteBuffer b = ByteBuffer.allocate(8 + 2 + 2 + 4 + meta.length + 8 + counts.length + 4)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putShort((short) 1).putShort((short) 0).putInt(meta.length).put(meta)
        .putLong(counts.length).put(counts);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
      try {
        Files.write(temp, b.array());
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new TrainingException("model_io", "cannot write `" + file + "`: " + e.getMessage(), e);
    }
  }

  /** Reads a model file; problems name the file and byte offset. */
  public static Result<NaiveBayes> read(Path file) {
    String src = file.toString();
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Result.failed(new Problem(src, "", "", "no such file"));
    } catch (IOException e) {
      throw new TrainingException("model_io", "cannot read `" + file + "`: " + e.getMessage(), e);
    }
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    try {
      byte[] magic = new byte[8];
      b.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        return Result.failed(new Problem(src, "byte 0", "", "not a model file"));
      }
      int version = b.getShort() & 0xffff;
      b.getShort();
      if (version != 1) {
        return Result.failed(new Problem(src, "byte 8", "", "version " + version
            + " is not supported"));
      }
      CRC32C crc = new CRC32C();
      crc.update(all, 0, all.length - 4);
      if ((int) crc.getValue() != ByteBuffer.wrap(all, all.length - 4, 4)
          .order(ByteOrder.LITTLE_ENDIAN).getInt()) {
        return Result.failed(new Problem(src, "byte " + (all.length - 4), "",
            "corrupt or truncated: the checksum does not match"));
      }
      byte[] meta = new byte[b.getInt()];
      b.get(meta);
      ObjectNode metadata = Json.obj(Json.parse(new String(meta, StandardCharsets.UTF_8)), "");
      b.getLong();
      int buckets = b.getInt();
      int nl = b.getInt();
      List<String> labels = new ArrayList<>();
      for (int l = 0; l < nl; l++) {
        byte[] s = new byte[b.getShort() & 0xffff];
        b.get(s);
        labels.add(new String(s, StandardCharsets.UTF_8));
      }
      long[] docs = new long[nl];
      for (int l = 0; l < nl; l++) {
        docs[l] = b.getLong();
      }
      long[] tokens = new long[nl * buckets];
      for (int i = b.getInt(); i > 0; i--) {
        int k = b.getInt();
        tokens[k] = b.getLong();
      }
      TreeMap<String, Group> groups = new TreeMap<>();
      for (int g = b.getInt(); g > 0; g--) {
        byte[] key = new byte[b.getInt()];
        b.get(key);
        long[] gd = new long[nl];
        for (int l = 0; l < nl; l++) {
          gd[l] = b.getLong();
        }
        int n = b.getInt();
        int[] keys = new int[n];
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
          keys[i] = b.getInt();
          counts[i] = b.getLong();
        }
        groups.put(new String(key, StandardCharsets.UTF_8), new Group(gd, keys, counts));
      }
      return Result.ok(new NaiveBayes(buckets, labels, docs, tokens, groups, metadata));
    } catch (RuntimeException e) {
      return Result.failed(new Problem(src, "byte " + b.position(), "",
          "corrupt: " + Objects.toString(e.getMessage(), e.getClass().getSimpleName())));
    }
  }
}
