package org.covenant.server.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.covenant.core.Sha256;

/**
 * The cluster's members (docs/CLUSTER.md): each server heartbeats a row of {@code cluster_member}
 * with an expiry on the database's clock; the live members are those whose row has not expired.
 * Each account is owned by one live member, chosen by rendezvous (highest random weight) hashing:
 * the member whose SHA-256 of {@code member id, account} is highest. When a member joins or
 * leaves, only the accounts it wins or held move.
 */
public final class Members {
  /** One member as its heartbeat row says. */
  public record Member(String id, String url, boolean logKey, boolean owns, Instant started,
      long expiresInMillis) {
    /** A member that owns accounts (every member but a {@code --route-only} one). */
    public Member(String id, String url, boolean logKey, Instant started, long expiresInMillis) {
      this(id, url, logKey, true, started, expiresInMillis);
    }

    /** Whether its heartbeat is current. */
    public boolean live() {
      return expiresInMillis > 0;
    }
  }

  private final ClusterDb db;
  private final Duration ttl;

  /** Members of {@code db} whose heartbeats last {@code ttl}. */
  public Members(ClusterDb db, Duration ttl) {
    this.db = db;
    this.ttl = ttl;
  }

  /**
   * Records that {@code id} is alive at {@code url} for another {@link #ttl}; {@code owns} false
   * for a member that owns no accounts (it only forwards, {@code serve --route-only}).
   */
  public void heartbeat(String id, String url, boolean logKey, boolean owns) {
    db.run("heartbeat", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + db.table("cluster_member")
          + " AS m (id, url, log_key, owns, started, expires) VALUES (?, ?, ?, ?, "
          + "clock_timestamp(), clock_timestamp() + make_interval(secs => ?)) ON CONFLICT (id) DO "
          + "UPDATE SET url = excluded.url, log_key = excluded.log_key, owns = excluded.owns, "
          + "expires = excluded.expires")) {
        ps.setString(1, id);
        ps.setString(2, url);
        ps.setBoolean(3, logKey);
        ps.setBoolean(4, owns);
        ps.setDouble(5, ttl.toMillis() / 1000.0);
        return ps.executeUpdate();
      }
    });
  }

  /** Removes {@code id}'s row (a clean shutdown): its accounts move at once. */
  public void leave(String id) {
    db.run("leave", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM "
          + db.table("cluster_member") + " WHERE id = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate();
      }
    });
  }

  /**
   * Every member with a row, live or not, by id; rows expired for over a minute are dropped.
   */
  public List<Member> all() {
    return db.run("list members", c -> {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM "
          + db.table("cluster_member") + " WHERE expires < clock_timestamp() - interval "
          + "'1 minute'")) {
        del.executeUpdate();
      }
      List<Member> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, url, log_key, owns, started, "
          + "(EXTRACT(EPOCH FROM (expires - clock_timestamp())) * 1000)::bigint FROM "
          + db.table("cluster_member") + " ORDER BY id"); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Member(rs.getString(1), rs.getString(2), rs.getBoolean(3),
              rs.getBoolean(4), rs.getTimestamp(5).toInstant(), rs.getLong(6)));
        }
      }
      return out;
    });
  }

  /**
   * The live member that owns {@code account} by rendezvous hashing among the live members that
   * own accounts, if any.
   */
  public static Optional<Member> owner(List<Member> members, String account) {
    Member best = null;
    String bestWeight = null;
    for (Member m : members) {
      if (!m.live() || !m.owns()) {
        continue;
      }
      String w = weight(m.id(), account);
      if (bestWeight == null || w.compareTo(bestWeight) > 0) {
        best = m;
        bestWeight = w;
      }
    }
    return Optional.ofNullable(best);
  }

  private static String weight(String member, String account) {
    MessageDigest md = Sha256.newDigest();
    md.update(member.getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0);
    md.update(account.getBytes(StandardCharsets.UTF_8));
    return Sha256.hex(md);
  }
}
