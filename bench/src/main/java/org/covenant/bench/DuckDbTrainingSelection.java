package org.covenant.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.covenant.core.event.Event;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.training.ContentCorpus;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * DuckDB's side of {@link TrainingVsDuckDbBenchmark}: which corpus records {@code ai.training}
 * may use, as one SQL query over the records, their other contributors and the ledger's terms
 * and consent timelines, with the built-in terms hand-translated into SQL. Its answer is a
 * summary of the selected records, comparable with the kernel's ({@link #summary}).
 */
public final class DuckDbTrainingSelection implements AutoCloseable {
  /** The modulus of the squared-index checksum. */
  static final long PRIME = 1_000_000_007L;
  private static final List<String> TERMS = List.of("example-2023-03-31", "example-2023-08-07",
      "example-2023-08-11", "default");

  /** How "as of capture" is written in SQL. */
  public enum Formulation {
    /** {@code ASOF LEFT JOIN} of the records on each event timeline. */
    ASOF,
    /**
     * The timelines turned into validity intervals by a window ({@code lead(ts)}), then an
     * equi-join on the account with the range as a residual condition: on this data DuckDB
     * runs it about 2.4 times faster than its ASOF join (many accounts, few events each).
     */
    INTERVALS
  }

  private final Connection duck;
  private final long use;

  private DuckDbTrainingSelection(Connection duck, long use) {
    this.duck = duck;
    this.use = use;
  }

  /** The query, run once: (records selected, sum of their indices, sum of squares mod p). */
  public long[] select(Formulation f) throws SQLException {
    try (Statement s = duck.createStatement(); ResultSet r = s.executeQuery(sql(use, f))) {
      r.next();
      return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
    }
  }

  /** The same summary of a kernel's outcome ids, given which outcome ids allow. */
  public static long[] summary(short[] outcomes, boolean[] allowed) {
    long n = 0;
    long sum = 0;
    long sq = 0;
    for (int i = 0; i < outcomes.length; i++) {
      if (allowed[outcomes[i]]) {
        n++;
        sum += i;
        sq += (long) i * i % PRIME;
      }
    }
    return new long[] {n, sum, sq};
  }

  @Override
  public void close() throws SQLException {
    duck.close();
  }

  /**
   * Loads the corpus and the ledger's terms and {@code ai_training} consent timelines into a new
   * in-memory DuckDB on {@code threads} threads, to decide use at {@code use} ({@code TimeKey}).
   */
  public static DuckDbTrainingSelection load(ContentCorpus c, List<Event> events, int threads, long use)
      throws SQLException {
    Connection duck = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement s = duck.createStatement()) {
      s.execute("SET threads = " + threads);
      s.execute("SET memory_limit = '6GB'");
      s.execute("SET preserve_insertion_order = false");
      s.execute("CREATE TABLE records (idx INTEGER, account INTEGER, category TINYINT, "
          + "created BIGINT)");
      s.execute("CREATE TABLE contributors (idx INTEGER, account INTEGER, created BIGINT)");
      s.execute("CREATE TABLE terms_events (account INTEGER, ts BIGINT, terms TINYINT)");
      s.execute("CREATE TABLE consent_events (account INTEGER, ts BIGINT, in_force BOOLEAN)");
    }
    DuckDBConnection dc = (DuckDBConnection) duck;
    try (DuckDBAppender rec = dc.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "records");
        DuckDBAppender con = dc.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "contributors")) {
      for (int i = 0; i < c.size(); i++) {
        rec.beginRow();
        rec.append(i);
        rec.append(c.account(i));
        rec.append((byte) c.category(i).ordinal());
        rec.append(c.created(i));
        rec.endRow();
        for (int other : c.otherContributors(i)) {
          con.beginRow();
          con.append(i);
          con.append(other);
          con.append(c.created(i));
          con.endRow();
        }
      }
    }
    // Ledger order decides between events of one account at one instant: keep the last.
    Map<String, Object[]> terms = new LinkedHashMap<>();
    Map<String, Object[]> consents = new LinkedHashMap<>();
    for (Event e : events) {
      if (e instanceof Event.TermsAccepted t) {
        int a = c.accounts().indexOf(t.account());
        long at = TimeKey.of(t.at());
        terms.put(a + "|" + at, new Object[] {a, at, (byte) (TERMS.indexOf(t.terms()) + 1)});
      } else if (e instanceof Event.ConsentGranted g && g.consent().equals("ai_training")) {
        int a = c.accounts().indexOf(g.account());
        long at = TimeKey.of(g.at());
        consents.put(a + "|" + at, new Object[] {a, at, true});
      } else if (e instanceof Event.ConsentWithdrawn w && w.consent().equals("ai_training")) {
        int a = c.accounts().indexOf(w.account());
        long at = TimeKey.of(w.at());
        consents.put(a + "|" + at, new Object[] {a, at, false});
      }
    }
    try (DuckDBAppender t = dc.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "terms_events");
        DuckDBAppender k = dc.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "consent_events")) {
      for (Object[] row : terms.values()) {
        t.beginRow();
        t.append((int) row[0]);
        t.append((long) row[1]);
        t.append((byte) row[2]);
        t.endRow();
      }
      for (Object[] row : consents.values()) {
        k.beginRow();
        k.append((int) row[0]);
        k.append((long) row[1]);
        k.append((boolean) row[2]);
        k.endRow();
      }
    }
    return new DuckDbTrainingSelection(duck, use);
  }

  /**
   * The four built-in terms for {@code ai.training}, hand-translated (ARCHITECTURE.md §5):
   * example-2023-03-31 permits everything (10.2, 10.4(ii)); example-2023-08-07 also forbids
   * audio, video and chat unless the owner consented at capture and at use; example-2023-08-11
   * forbids customer content; default permits customer content only when the owner and every
   * other contributor consented at capture and at use; service data is always the platform's.
   */
  static String sql(long use, Formulation f) {
    StringJoiner customer = new StringJoiner(", ", "(", ")");
    StringJoiner avc = new StringJoiner(", ", "(", ")");
    for (Category cat : Vocabulary.categories()) {
      if (cat.id().startsWith("customer_content.")) {
        customer.add(Integer.toString(cat.ordinal()));
      }
      if (List.of("customer_content.audio", "customer_content.video", "customer_content.chat")
          .contains(cat.id())) {
        avc.add(Integer.toString(cat.ordinal()));
      }
    }
    String allowUnder = "CASE %s WHEN 1 THEN TRUE"
        + " WHEN 2 THEN cat NOT IN " + avc + " OR owner_ok"
        + " WHEN 3 THEN cat NOT IN " + customer
        + " WHEN 4 THEN cat NOT IN " + customer + " OR (owner_ok AND contrib_ok)"
        + " ELSE FALSE END";
    boolean asof = f == Formulation.ASOF;
    String intervals = asof ? "" : "ti AS (SELECT account, ts AS f, coalesce(lead(ts) OVER"
        + " (PARTITION BY account ORDER BY ts), " + Long.MAX_VALUE + ") AS t, terms"
        + " FROM terms_events),"
        + " ci AS (SELECT account, ts AS f, coalesce(lead(ts) OVER (PARTITION BY account"
        + " ORDER BY ts), " + Long.MAX_VALUE + ") AS t, in_force FROM consent_events),";
    String contributorConsent = asof
        ? " ASOF LEFT JOIN consent_events e ON c.account = e.account AND c.created >= e.ts"
        : " LEFT JOIN ci e ON c.account = e.account AND c.created >= e.f AND c.created < e.t";
    String captureTerms = asof
        ? " ASOF LEFT JOIN terms_events tc ON r.account = tc.account AND r.created >= tc.ts"
        : " LEFT JOIN ti tc ON r.account = tc.account AND r.created >= tc.f AND r.created < tc.t";
    String captureConsent = asof
        ? " ASOF LEFT JOIN consent_events ec ON r.account = ec.account AND r.created >= ec.ts"
        : " LEFT JOIN ci ec ON r.account = ec.account AND r.created >= ec.f"
            + " AND r.created < ec.t";
    return "WITH " + intervals
        + " use_terms AS (SELECT account, arg_max(terms, ts) AS terms FROM terms_events"
        + " WHERE ts <= " + use + " GROUP BY account),"
        + " use_consent AS (SELECT account, arg_max(in_force, ts) AS ok FROM consent_events"
        + " WHERE ts <= " + use + " GROUP BY account),"
        + " bad AS (SELECT DISTINCT c.idx FROM contributors c"
        + contributorConsent
        + " LEFT JOIN use_consent u ON u.account = c.account"
        + " WHERE NOT (coalesce(e.in_force, FALSE) AND coalesce(u.ok, FALSE))),"
        + " d AS (SELECT r.idx, r.category AS cat, ut.terms AS tu, tc.terms AS tc,"
        + " coalesce(ec.in_force, FALSE) AND coalesce(uc.ok, FALSE) AS owner_ok,"
        + " b.idx IS NULL AS contrib_ok"
        + " FROM records r"
        + captureTerms
        + captureConsent
        + " LEFT JOIN use_terms ut ON ut.account = r.account"
        + " LEFT JOIN use_consent uc ON uc.account = r.account"
        + " LEFT JOIN bad b ON b.idx = r.idx"
        + " WHERE r.created <= " + use + ")"
        + " SELECT count(*), coalesce(sum(idx::BIGINT), 0),"
        + " coalesce(sum((idx::BIGINT * idx) % " + PRIME + "), 0) FROM d"
        + " WHERE " + String.format(allowUnder, "tu") + " AND " + String.format(allowUnder, "tc");
  }

}
