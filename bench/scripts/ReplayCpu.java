import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import org.covenant.format.TermsLibrary;

/**
 * Opens a ledger N times in one JVM and prints, for each open (a full replay, no checkpoint),
 * wall time, process CPU and the load average (docs/BENCHMARKS.md, "Rates"). Run from the
 * repository root:
 * java -Xmx4g -cp cli/target/covenant.jar bench/scripts/ReplayCpu.java DIR 3
 * java -Xmx4g -cp cli/target/covenant.jar bench/scripts/ReplayCpu.java - 3 JDBC_URL SCHEMA
 */
public class ReplayCpu {
  static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[1]);
    var catalog = TermsLibrary.builtInCatalog();
    LedgerConfig config = a.length > 2 ? LedgerConfig.postgres(a[2]).withSchema(a[3]) : LedgerConfig.sqlite(Path.of(a[0]));
    for (int i = 0; i < n; i++) {
      long w0 = System.nanoTime(), c0 = cpu();
      try (Ledger l = Ledger.open(config, catalog)) {
        double w = (System.nanoTime() - w0) / 1e9, c = (cpu() - c0) / 1e9;
        System.out.printf("run %d: head %d wall %.2f s (%.0f ev/s) cpu %.2f s (%.0f ev/cpu-s) load %.1f%n", i, l.head(), w, l.head() / w, c, l.head() / c,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      }
      System.gc();
    }
  }
}
