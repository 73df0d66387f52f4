package org.covenant.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay of several pages (10,000 events each) reads the pages after the first ahead, on other
 * threads, each starting where the page before it must end: what the open finds must not depend
 * on that (docs/DECISIONS.md, "Replay at open").
 */
class ReplayPagesTest {
  private static final int EVENTS = 25_000;

  @TempDir Path dir;

  private void fill() {
    try (Ledger l = Ledger.open(LedgerConfig.sqlite(dir), Workload.CATALOG)) {
      l.append(Workload.accounts("a", EVENTS).stream().map(Append::of).toList());
    }
  }

  private void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ledger.db"));
        Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  @Test
  void everyPageIsApplied_inOrder() {
    fill();
    try (Ledger l = Ledger.open(LedgerConfig.sqlite(dir), Workload.CATALOG)) {
      assertThat(l.head()).isEqualTo(EVENTS);
      // the first and last account of every page
      for (int i : new int[] {0, 9_999, 10_000, 19_999, 20_000, EVENTS - 1}) {
        assertThat(l.snapshot().accountExists("a" + i,
            org.covenant.core.state.TimeKey.of(Workload.FAR))).as("a%d", i).isTrue();
      }
    }
  }

  @Test
  void aGapAtTheStartOfAPageReadAhead_isCorruptStore_namingIt() throws Exception {
    fill();
    sql("DELETE FROM ledger_event WHERE position = 10001");
    assertThatThrownBy(() -> Ledger.open(LedgerConfig.sqlite(dir), Workload.CATALOG))
        .isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(((StoreException) e).code()).isEqualTo("corrupt_store"))
        .hasMessageContaining("position 10002 after 10000");
  }

  @Test
  void aGapInsideALaterPage_isCorruptStore_namingIt() throws Exception {
    fill();
    sql("DELETE FROM ledger_event WHERE position = 15000");
    assertThatThrownBy(() -> Ledger.open(LedgerConfig.sqlite(dir), Workload.CATALOG))
        .isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(((StoreException) e).code()).isEqualTo("corrupt_store"))
        .hasMessageContaining("position 15001 after 14999");
  }

  @Test
  void anUnreadableRowInAPageReadAhead_isCorruptStore_namingIt() throws Exception {
    fill();
    sql("UPDATE ledger_event SET body = '{\"type\":\"account.created\"' WHERE position = 20500");
    assertThatThrownBy(() -> Ledger.open(LedgerConfig.sqlite(dir), Workload.CATALOG))
        .isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(((StoreException) e).code()).isEqualTo("corrupt_store"))
        .hasMessageContaining("position 20500");
  }
}
