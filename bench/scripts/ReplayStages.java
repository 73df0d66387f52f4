import java.lang.management.ManagementFactory;
import java.sql.*;
import java.util.*;
import org.covenant.core.event.Event;
import org.covenant.core.state.GovernanceState;
import org.covenant.format.EventJson;
import org.covenant.format.TermsLibrary;

/**
 * The stages of a replay one after the other on one thread, thread CPU each: reading the rows of
 * DIR/ledger.db, decoding them (EventJson.read), applying them trusted (applyValidated) and
 * checked (apply); three rounds (docs/BENCHMARKS.md, "Rates"). Run from the repository root:
 * java -Xmx4g -cp cli/target/covenant.jar bench/scripts/ReplayStages.java DIR/ledger.db
 */
public class ReplayStages {
  static long tcpu() { return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime(); }
  public static void main(String[] a) throws Exception {
    for (int run = 0; run < 3; run++) {
      List<byte[]> bodies = new ArrayList<>(1_000_000);
      long c0 = tcpu();
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + a[0]);
           Statement st = c.createStatement()) {
        if (a.length > 1) st.execute("PRAGMA mmap_size=" + a[1]);
        try (ResultSet rs = st.executeQuery("SELECT position, body, idempotency_key FROM ledger_event ORDER BY position")) {
          while (rs.next()) { rs.getLong(1); bodies.add(rs.getBytes(2)); rs.getString(3); }
        }
      }
      long c1 = tcpu();
      List<Event> events = new ArrayList<>(bodies.size());
      for (byte[] b : bodies) events.add(EventJson.read(b));
      long c2 = tcpu();
      var catalog = TermsLibrary.builtInCatalog();
      GovernanceState g = GovernanceState.create(catalog::knows);
      for (Event e : events) g.applyValidated(e);
      long c3 = tcpu();
      GovernanceState g2 = GovernanceState.create(catalog::knows);
      for (Event e : events) g2.apply(e);
      long c4 = tcpu();
      System.out.printf("run %d: read %.2f s, decode %.2f s, applyValidated %.2f s, apply(checked) %.2f s (thread CPU, %d events)%n",
          run, (c1 - c0) / 1e9, (c2 - c1) / 1e9, (c3 - c2) / 1e9, (c4 - c3) / 1e9, events.size());
    }
  }
}
