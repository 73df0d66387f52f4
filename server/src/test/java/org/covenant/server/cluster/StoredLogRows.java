package org.covenant.server.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a cluster's stored log holds, row by row, for the tests of the log's fence (issue 16):
 * every {@code log_file} row by its path and the {@code log_head} row as {@code "log_head"},
 * each as the lease epoch it was written under and a digest of its bytes. Two reads compare
 * equal exactly when no row was added, removed or rewritten in between; the epochs say who
 * wrote what. One copy for the server's fence tests and the CLI's fault tests (they read the
 * same tables, {@link PgLogStorage}'s).
 */
public final class StoredLogRows {
  private StoredLogRows() {}

  /** A row of {@code log_file} or {@code log_head}: its epoch and an MD5 of its bytes. */
  public record Row(long epoch, String md5) {}

  /** Every row of the stored log in {@code schema}, by path (sorted, for readable diffs). */
  public static Map<String, Row> read(String url, String schema) throws SQLException {
    Map<String, Row> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT path, epoch, md5(data) FROM " + schema
          + ".log_file")) {
        while (rs.next()) {
          out.put(rs.getString(1), new Row(rs.getLong(2), rs.getString(3)));
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT epoch, md5(size || ':' || encode(checkpoint, "
          + "'hex')) FROM " + schema + ".log_head")) {
        while (rs.next()) {
          out.put("log_head", new Row(rs.getLong(1), rs.getString(2)));
        }
      }
    }
    return out;
  }

  /** The paths of the rows written at {@code epoch}. */
  public static List<String> writtenAt(Map<String, Row> rows, long epoch) {
    return rows.entrySet().stream().filter(x -> x.getValue().epoch() == epoch)
        .map(Map.Entry::getKey).toList();
  }
}
