package org.covenant.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.covenant.core.spi.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes append to the same PostgreSQL ledger at once, starting from a schema neither has
 * created: no position is duplicated, no acknowledged append is lost, and a third process's
 * rebuild answers as each writer's projection did.
 */
class TwoProcessPostgresIT {
  @TempDir Path tmp;

  @Test
  void twoProcessesAppendingToOneLedger_neverDuplicateNorLose() throws Exception {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_2p");
    int each = 150;
    try {
      Path err = tmp.resolve("children.err");
      List<ChildRun> children = new ArrayList<>();
      for (String account : List.of("left", "right")) {
        children.add(ChildRun.start(err, "pg", url, schema, account, Integer.toString(each),
            Integer.toString(account.hashCode())));
      }
      List<ChildRun.Ack> acks = new ArrayList<>();
      List<ChildRun.Print> prints = new ArrayList<>();
      for (ChildRun c : children) {
        assertThat(c.finish(120)).as("child exit; stderr: %s",
            Files.exists(err) ? Files.readString(err) : "").isZero();
        acks.addAll(c.acks());
        prints.addAll(c.prints());
      }
      int total = 2 * (each + Workload.setup("x").size());
      assertThat(acks).hasSize(total);
      Set<Long> positions = new HashSet<>();
      for (ChildRun.Ack a : acks) {
        assertThat(positions.add(a.position())).as("position %d twice", a.position()).isTrue();
      }
      try (Ledger l = Ledger.open(LedgerConfig.postgres(url).withSchema(schema),
          Workload.CATALOG)) {
        List<StoredEvent> all = l.events(0, 100_000);
        assertThat(all).hasSize(total);
        for (int i = 0; i < total; i++) {
          assertThat(all.get(i).position()).isEqualTo(i + 1);
        }
        for (ChildRun.Ack a : acks) {
          assertThat(all.get((int) a.position() - 1).idempotencyKey()).contains(a.key());
        }
        for (ChildRun.Print p : prints) {
          assertThat(AppendingChild.fingerprint(l, p.account(), p.position(), p.from(), p.to()))
              .as("projection at %d", p.position()).isEqualTo(p.digest());
        }
      }
    } finally {
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
