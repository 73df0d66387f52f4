package org.covenant.server.cluster;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.covenant.evidence.Pseudonyms;
import org.covenant.server.DecisionLog;
import org.covenant.server.auth.ApiToken;
import org.covenant.server.auth.TokenStore;

/**
 * The PostgreSQL persistence of what a data directory keeps in files (docs/CLUSTER.md): API
 * tokens (hashes only), the decision log's counts and flush summaries, and the log's pseudonym
 * salts, in the cluster's tables so every member reads and writes the same ones.
 */
public final class PgBackings {
  private PgBackings() {}

  /** API tokens in {@code api_token}: one row per token, its hash and wire form. */
  public static TokenStore.Backing tokens(ClusterDb db) {
    return new TokenStore.Backing() {
      @Override
      public List<ApiToken> load() {
        return db.run("read the API tokens", c -> {
          List<ApiToken> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT doc FROM "
              + db.table("api_token")); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(TokenStore.fromStoredJson(rs.getString(1)));
            }
          }
          return out;
        });
      }

      @Override
      public void issued(ApiToken token, List<ApiToken> all) {
        db.run("store an API token", c -> {
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + db.table("api_token")
              + " (id, sha256, doc) VALUES (?, ?, ?)")) {
            ps.setString(1, token.id());
            ps.setString(2, token.sha256());
            ps.setString(3, TokenStore.storedJson(token));
            return ps.executeUpdate();
          }
        });
      }

      @Override
      public void revoked(ApiToken token, List<ApiToken> all) {
        db.run("revoke an API token", c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + db.table("api_token")
              + " WHERE id = ?")) {
            ps.setString(1, token.id());
            return ps.executeUpdate();
          }
        });
      }

      @Override
      public boolean shared() {
        return true;
      }
    };
  }

  /** Decision counts in {@code decision_count}, flush summaries in {@code decision_summary}. */
  public static DecisionLog.Backing decisions(ClusterDb db, String member) {
    return new DecisionLog.Backing() {
      @Override
      public List<String> lines() {
        return db.run("read the decision counts", c -> {
          List<String> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT line FROM "
              + db.table("decision_count") + " ORDER BY id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
          return out;
        });
      }

      @Override
      public void append(List<String> lines, DecisionLog.Flush summary) {
        db.tx("store decision counts", c -> {
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO "
              + db.table("decision_count") + " (line) VALUES (?)")) {
            for (String l : lines) {
              ps.setString(1, l);
              ps.addBatch();
            }
            ps.executeBatch();
          }
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO "
              + db.table("decision_summary") + " (member, at, decisions, counters) VALUES "
              + "(?, ?, ?, ?)")) {
            ps.setString(1, member);
            ps.setTimestamp(2, Timestamp.from(summary.at()));
            ps.setLong(3, summary.decisions());
            ps.setInt(4, summary.counters());
            ps.executeUpdate();
          }
          return null;
        });
      }
    };
  }

  /**
   * Pseudonym salts in {@code log_account_salt} by (account, person), and the legacy salts of
   * before salts were per account in {@code log_salt} (read and erased, never added to): written
   * and erased by the log's writer under the log lease's fence (a writer that lost the lease
   * cannot store a salt the next writer does not use, nor erase one the next writer keeps using).
   */
  public static Pseudonyms.Backing salts(ClusterDb db, String lease, LongSupplier epoch) {
    return new Pseudonyms.Backing() {
      @Override
      public Map<String, Map<String, String>> load() {
        return db.run("read the log's salts", c -> {
          Map<String, Map<String, String>> out = new HashMap<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT account, person, salt FROM "
              + db.table("log_account_salt")); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                  .put(rs.getString(2), rs.getString(3));
            }
          }
          return out;
        });
      }

      @Override
      public Map<String, String> loadLegacy() {
        return db.run("read the log's legacy salts", c -> {
          Map<String, String> out = new HashMap<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT person, salt FROM "
              + db.table("log_salt")); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString(1), rs.getString(2));
            }
          }
          return out;
        });
      }

      @Override
      public void add(Map<String, Map<String, String>> salts) {
        db.tx("store the log's salts", c -> {
          PgLogStorage.checkFence(db, c, lease, epoch.getAsLong());
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO "
              + db.table("log_account_salt") + " (account, person, salt) VALUES (?, ?, ?) "
              + "ON CONFLICT (account, person) DO NOTHING")) {
            for (Map.Entry<String, Map<String, String>> a : salts.entrySet()) {
              for (Map.Entry<String, String> e : a.getValue().entrySet()) {
                ps.setString(1, a.getKey());
                ps.setString(2, e.getKey());
                ps.setString(3, e.getValue());
                ps.addBatch();
              }
            }
            ps.executeBatch();
          }
          return null;
        });
      }

      @Override
      public void erase(String account, String id) {
        db.tx("erase a salt", c -> {
          // Under the fence too: a stale writer's erasure would be marked done while the
          // current writer still holds the salt in memory and goes on using it; refused, the
          // request stays queued and the current writer erases it (ClusterNode).
          PgLogStorage.checkFence(db, c, lease, epoch.getAsLong());
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM "
              + db.table("log_account_salt") + " WHERE account = ? AND person = ?")) {
            ps.setString(1, account);
            ps.setString(2, id);
            ps.executeUpdate();
          }
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + db.table("log_salt")
              + " WHERE person = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
          }
          return null;
        });
      }
    };
  }

  /**
   * The register of data subject requests in {@code dsr_register} (one row, the register's JSON
   * array, as in {@code DIR/dsr/requests.json}): every change reads and writes it under the row's
   * lock, so members receiving requests at once number them without a clash.
   */
  public static org.covenant.evidence.dsr.DsrRequests.Backing dsr(ClusterDb db) {
    return change -> db.tx("update the data subject requests", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + db.table("dsr_register")
          + " (id, doc) VALUES (1, '') ON CONFLICT (id) DO NOTHING")) {
        ps.executeUpdate();
      }
      String doc;
      try (PreparedStatement ps = c.prepareStatement("SELECT doc FROM "
          + db.table("dsr_register") + " WHERE id = 1 FOR UPDATE");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        doc = rs.getString(1);
      }
      String changed = change.apply(doc);
      if (changed != null) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + db.table("dsr_register")
            + " SET doc = ? WHERE id = 1")) {
          ps.setString(1, changed);
          ps.executeUpdate();
        }
      }
      return null;
    });
  }
}
