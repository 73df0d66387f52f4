package org.covenant.training;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long step. {@link #none()} reports nothing; {@link #bar} draws a bar with rate
 * and ETA on a terminal's stderr (the CLI uses it only when {@code System.console()} exists, so
 * pipes and logs stay clean). Safe to call from several threads.
 */
public interface Progress {
  /** A step of {@code total} units starts. */
  void start(String label, long total);

  /** {@code done} units are complete (monotone, any thread). */
  void update(long done);

  /** The step is over. */
  void finish();

  /** Reports nothing. */
  static Progress none() {
    return new Progress() {
      @Override
      public void start(String label, long total) {}

      @Override
      public void update(long done) {}

      @Override
      public void finish() {}
    };
  }

  /** A text bar redrawn in place at most ten times a second. */
  static Progress bar(PrintStream out) {
    return new Bar(out);
  }

  /** The terminal bar. */
  final class Bar implements Progress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private String label = "";
    private long total;
    private long started;
    private long lastDraw;
    private long done;

    Bar(PrintStream out) {
      this.out = out;
    }

    @Override
    public synchronized void start(String label, long total) {
      this.label = label;
      this.total = Math.max(0, total);
      this.started = System.nanoTime();
      this.lastDraw = 0;
      this.done = 0;
      draw(System.nanoTime());
    }

    @Override
    public synchronized void update(long d) {
      done = Math.max(done, d);
      long now = System.nanoTime();
      if (now - lastDraw >= 100_000_000L) {
        draw(now);
      }
    }

    @Override
    public synchronized void finish() {
      done = total;
      draw(System.nanoTime());
      out.println();
      out.flush();
    }

    private void draw(long now) {
      lastDraw = now;
      double secs = Math.max(1e-9, (now - started) / 1e9);
      double rate = done / secs;
      double frac = total == 0 ? 1 : (double) done / total;
      int filled = (int) Math.round(frac * WIDTH);
      String eta = rate > 0 && done < total
          ? String.format(Locale.ROOT, "ETA %.1fs", (total - done) / rate)
          : String.format(Locale.ROOT, "%.1fs", secs);
      out.print(String.format(Locale.ROOT, "\r%-10s [%s%s] %3d%% %s/%s %s/s %s   ", label,
          "=".repeat(filled), " ".repeat(WIDTH - filled), (int) (frac * 100), human(done),
          human(total), human((long) rate), eta));
      out.flush();
    }

    private static String human(long v) {
      if (v >= 1_000_000) {
        return String.format(Locale.ROOT, "%.1fM", v / 1e6);
      }
      if (v >= 1_000) {
        return String.format(Locale.ROOT, "%.1fk", v / 1e3);
      }
      return Long.toString(v);
    }
  }
}
