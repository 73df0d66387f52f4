package org.covenant.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * The idempotency keys' range look-up the SQL stores share ({@code storedKeys}): a wanted key K
 * is looked up as the range [K, K + the separator's successor), which in byte order holds K and
 * every stored key that starts with K + separator, and a few others the rows' filter drops.
 */
final class KeyRange {
  private KeyRange() {}

  /** The separator with its last character's successor: the range's upper bound after K. */
  static String upper(String separator) {
    return separator.substring(0, separator.length() - 1)
        + (char) (separator.charAt(separator.length() - 1) + 1);
  }

  /**
   * Puts each row's stored key (column 2) and position (column 3) into {@code out} where it is
   * the wanted key (column 1) or that key and the separator: the range's other keys are not.
   */
  static Map<String, Long> collect(ResultSet rs, String separator, Map<String, Long> out)
      throws SQLException {
    while (rs.next()) {
      String key = rs.getString(1);
      String stored = rs.getString(2);
      if (stored.equals(key) || stored.startsWith(key + separator)) {
        out.put(stored, rs.getLong(3));
      }
    }
    return out;
  }
}
