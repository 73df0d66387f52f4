package org.covenant.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.covenant.safety.Corpus;
import org.covenant.safety.CorpusPipeline;
import org.covenant.safety.CorpusRecord;
import org.covenant.safety.HoldoutSplit;
import org.covenant.safety.InviteScanner;
import org.covenant.safety.Message;
import org.covenant.safety.MessageParser;
import org.covenant.safety.ModelTrainer;
import org.covenant.safety.ScanModel;
import org.covenant.safety.ScanResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Invite scanning throughput (ISSUE 9, speed: at least 20,000 invites/s on the 2-core machine).
 * Setup trains the default logistic model on the training part of the shared corpus' standard
 * split; each operation scans one held-out message (cycling through all 632), so ops/s is
 * invites/s. {@code scan} takes an already parsed {@link Message} (the platform's own invites
 * arrive structured); {@code parseAndScan} starts from the raw RFC 5322 text (MIME, transfer
 * encodings, HTML). Both run on 2 threads by default ({@code -t} overrides). The corpus is read
 * from {@code -Dcovenant.shared.dir=DIR} (default {@code ../shared}, relative to the working
 * directory) at {@code DIR/data/spamassassin/dev.jsonl.gz}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 3, time = 5)
@Threads(2)
public class ScanBenchmark {
  private InviteScanner scanner;
  private MessageParser parser;
  private Message[] messages;
  private String[] raws;

  /** Reads the corpus, trains, and parses the held-out messages once. */
  @Setup
  public void setup() {
    String dir = System.getProperty("covenant.shared.dir", "../shared");
    Path file = Path.of(dir, "data", "spamassassin", "dev.jsonl.gz");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("corpus not found at " + file.toAbsolutePath()
          + ": pass -Dcovenant.shared.dir=DIR (the shared directory beside the repository)");
    }
    Corpus corpus = Corpus.read(file);
    CorpusPipeline pipeline = CorpusPipeline.create(HoldoutSplit.STANDARD);
    ScanModel model = pipeline.train(corpus,
        ModelTrainer.Options.defaults(), List.of());
    scanner = InviteScanner.create(model);
    parser = MessageParser.create();
    List<CorpusRecord> held = HoldoutSplit.STANDARD.heldOut(corpus.records());
    List<Message> parsed = new ArrayList<>(held.size());
    raws = new String[held.size()];
    long chars = 0;
    for (int k = 0; k < held.size(); k++) {
      raws[k] = held.get(k).text();
      chars += raws[k].length();
      parsed.add(parser.parse(raws[k]));
    }
    messages = parsed.toArray(new Message[0]);
    System.out.println("# held-out messages: " + messages.length + ", mean raw size: "
        + chars / messages.length + " chars");
  }

  /**
   * Where each benchmark thread is in the message list, and how much CPU it used: on a machine
   * shared with other work, wall-clock ops/s measure the share of the cores the benchmark got;
   * each iteration also prints this thread's CPU microseconds per invite, so
   * {@code 2 cores × 1e6 / (µs per invite)} is the throughput of two dedicated cores.
   */
  @State(Scope.Thread)
  public static class Cursor {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    int next;
    long ops;
    long cpuStart;

    int advance(int n) {
      int k = next;
      next = k + 1 == n ? 0 : k + 1;
      ops++;
      return k;
    }

    /** Starts this thread's CPU clock for the iteration. */
    @Setup(Level.Iteration)
    public void start() {
      ops = 0;
      cpuStart = THREADS.getCurrentThreadCpuTime();
    }

    /** Prints this thread's CPU time per invite for the iteration. */
    @TearDown(Level.Iteration)
    public void report() {
      long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
      if (ops > 0) {
        System.out.printf(Locale.ROOT, "%n# %s: %.1f us CPU per invite over %d invites%n",
            Thread.currentThread().getName(), cpu / 1e3 / ops, ops);
      }
    }
  }

  /** Scans one parsed invite. */
  @Benchmark
  public ScanResult scan(Cursor cursor) {
    return scanner.scan(messages[cursor.advance(messages.length)]);
  }

  /** Parses and scans one raw invite. */
  @Benchmark
  public ScanResult parseAndScan(Cursor cursor) {
    return scanner.scan(parser.parse(raws[cursor.advance(raws.length)]));
  }
}
