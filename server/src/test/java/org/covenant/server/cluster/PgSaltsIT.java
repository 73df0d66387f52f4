package org.covenant.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import org.covenant.core.Sha256;
import org.covenant.evidence.Pseudonyms;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The cluster's salts in PostgreSQL are per (account, person): the same id in two accounts is two
 * people, erasing one keeps the other; salts of the old form (by person alone, {@code log_salt})
 * still link their leaves and are erased with any person of their id.
 */
class PgSaltsIT {
  @Test
  void saltsPerAccount_erasingOneAccountsBobKeepsTheOther_andLegacyRowsStillLink()
      throws Exception {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_salts");
    try (ClusterDb db = ClusterDb.open(LedgerConfig.postgres(url).withSchema(schema))) {
      Lease lease = new Lease(db, "log", Duration.ofSeconds(30));
      long epoch = lease.acquire("m1", "http://m1").orElseThrow();
      // a row written before salts were per account
      String old = "00112233445566778899aabbccddeeff";
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        st.execute("INSERT INTO " + schema + ".log_salt (person, salt) VALUES ('bob', '" + old
            + "'), ('carol', '" + old + "')");
      }
      Pseudonyms ps = Pseudonyms.over(PgBackings.salts(db, "log", () -> epoch));
      String oldBob = pseudonym(old, "bob");
      assertThat(ps.links("globex", "bob", oldBob)).isTrue();
      String acme = ps.of("acme", "bob");
      String globex = ps.of("globex", "bob");
      assertThat(acme).isNotEqualTo(globex).isNotEqualTo(oldBob);
      // another writer (a new feed) reads the same salts
      Pseudonyms next = Pseudonyms.over(PgBackings.salts(db, "log", () -> epoch));
      assertThat(next.of("acme", "bob")).isEqualTo(acme);
      assertThat(next.of("globex", "bob")).isEqualTo(globex);

      assertThat(next.erase("acme", "bob")).isTrue();
      Pseudonyms after = Pseudonyms.over(PgBackings.salts(db, "log", () -> epoch));
      assertThat(after.links("globex", "bob", globex)).isTrue();
      assertThat(after.links("acme", "bob", acme)).isFalse();
      assertThat(after.links("acme", "bob", oldBob)).isFalse();
      assertThat(after.links("acme", "carol", pseudonym(old, "carol"))).isTrue();
    } finally {
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  private static String pseudonym(String salt, String id) {
    var md = Sha256.newDigest();
    md.update(HexFormat.of().parseHex(salt));
    md.update(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return Sha256.PREFIX + Sha256.hex(md);
  }
}
