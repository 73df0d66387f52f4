package org.covenant.server;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;

/**
 * The server's namespaces: the main one (the data directory's or PostgreSQL's ledger) and scratch
 * ones, each a fresh in-memory ledger that only the operator can create, address (header
 * {@code Covenant-Namespace}) and delete. Scenario runs over HTTP use one per file, so every file
 * starts from an empty ledger, as ARCHITECTURE.md §8 requires.
 */
public final class Namespaces implements AutoCloseable {
  /** The header that selects a scratch namespace. */
  public static final String HEADER = "Covenant-Namespace";

  private final Namespace main;
  private final TermsCatalog catalog;
  private final Clock clock;
  private final Duration staleAfter;
  private final int limit;
  private final Map<String, Namespace> scratch = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private volatile String suffix = "";

  /** The main namespace and room for {@code limit} scratch ones. */
  public Namespaces(Namespace main, TermsCatalog catalog, Clock clock, Duration staleAfter,
      int limit) {
    this.main = main;
    this.catalog = catalog;
    this.clock = clock;
    this.staleAfter = staleAfter;
    this.limit = limit;
  }

  /** The main namespace. */
  public Namespace main() {
    return main;
  }

  /**
   * Ends the ids of the scratch namespaces created from now on with {@code idSuffix}: a cluster
   * member's {@code .MEMBER}, so every member knows where a namespace lives (docs/CLUSTER.md).
   */
  public void idSuffix(String idSuffix) {
    this.suffix = java.util.Objects.requireNonNull(idSuffix, "idSuffix");
  }

  /** A scratch namespace by id. */
  public Optional<Namespace> scratch(String id) {
    return Optional.ofNullable(scratch.get(id));
  }

  /** Creates an empty scratch namespace. */
  public synchronized Namespace create() {
    if (scratch.size() >= limit) {
      throw new ServerException("limit_exceeded", 429, "namespace",
          "at most " + limit + " scratch namespaces at once: delete some first");
    }
    byte[] b = new byte[8];
    random.nextBytes(b);
    String id = "ns_" + HexFormat.of().formatHex(b) + suffix;
    Namespace ns = Namespace.over(id, Ledger.open(LedgerConfig.memory(), catalog),
        DecisionLog.inMemory(), clock, staleAfter);
    scratch.put(id, ns);
    return ns;
  }

  /** Deletes a scratch namespace; false when there is none with this id. */
  public boolean delete(String id) {
    Namespace ns = scratch.remove(id);
    if (ns == null) {
      return false;
    }
    ns.close();
    return true;
  }

  /** How many scratch namespaces exist. */
  public int scratchCount() {
    return scratch.size();
  }

  @Override
  public void close() {
    for (String id : scratch.keySet()) {
      delete(id);
    }
    main.close();
  }
}
