package org.covenant.server.cluster;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * A named lease in PostgreSQL (docs/CLUSTER.md): one holder until its expiry, measured on the
 * database's clock, and a fencing epoch incremented at every acquisition. A holder renews before
 * expiry; once it has expired anyone may take it, with the next epoch. Writes guarded by the
 * lease check, in their own transaction, that the lease row still carries the writer's epoch
 * ({@link PgLogStorage}), so a holder that paused past its expiry is refused by the database.
 */
public final class Lease {
  private final ClusterDb db;
  private final String name;
  private final Duration ttl;

  /** The lease {@code name}, held for {@code ttl} per acquisition or renewal. */
  public Lease(ClusterDb db, String name, Duration ttl) {
    this.db = db;
    this.name = name;
    this.ttl = ttl;
  }

  /** Its name. */
  public String name() {
    return name;
  }

  /** How long an acquisition or renewal holds it. */
  public Duration ttl() {
    return ttl;
  }

  /**
   * Takes the lease for {@code holder} when it is free or expired; the new epoch, or empty when
   * another holder's lease is still running.
   */
  public OptionalLong acquire(String holder, String url) {
    return db.run("acquire lease " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + db.table("cluster_lease")
          + " AS l (name, holder, holder_url, epoch, expires, acquired) VALUES (?, ?, ?, 1, "
          + "clock_timestamp() + make_interval(secs => ?), clock_timestamp()) "
          + "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, holder_url = "
          + "excluded.holder_url, epoch = l.epoch + 1, expires = excluded.expires, acquired = "
          + "excluded.acquired WHERE l.expires < clock_timestamp() RETURNING epoch")) {
        ps.setString(1, name);
        ps.setString(2, holder);
        ps.setString(3, url);
        ps.setDouble(4, ttl.toMillis() / 1000.0);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
        }
      }
    });
  }

  /** Extends the lease {@code holder} holds at {@code epoch}; false when it lost it. */
  public boolean renew(String holder, long epoch) {
    return db.run("renew lease " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + db.table("cluster_lease")
          + " SET expires = clock_timestamp() + make_interval(secs => ?) WHERE name = ? AND "
          + "holder = ? AND epoch = ? AND expires > clock_timestamp()")) {
        ps.setDouble(1, ttl.toMillis() / 1000.0);
        ps.setString(2, name);
        ps.setString(3, holder);
        ps.setLong(4, epoch);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** Gives the lease up now (a clean shutdown), so that another member takes over at once. */
  public void release(String holder, long epoch) {
    db.run("release lease " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + db.table("cluster_lease")
          + " SET expires = clock_timestamp() - interval '1 millisecond' WHERE name = ? AND "
          + "holder = ? AND epoch = ?")) {
        ps.setString(1, name);
        ps.setString(2, holder);
        ps.setLong(3, epoch);
        return ps.executeUpdate();
      }
    });
  }
}
