package org.covenant.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.covenant.format.Json;
import org.covenant.log.TiledLog;
import org.covenant.store.DocumentTable;

/**
 * What {@code GET /v1/cluster} shows and where issued consent receipts are kept so they can be
 * fetched again (docs/CLUSTER.md): a cluster member over PostgreSQL, or a single server whose
 * receipts live beside its ledger.
 */
public interface ClusterView extends Receipts, AutoCloseable {
  /** The body of {@code GET /v1/cluster}, with the owner of {@code account} when given. */
  ObjectNode describe(Optional<String> account);

  /** The receipt issued for the consent event at {@code position}, if one was. */
  Optional<ObjectNode> stored(Namespace namespace, long position);

  /**
   * The transparency log this view serves, when it keeps one itself (a cluster member: the shared
   * log, which a member without the key opens only once a writer has created it).
   */
  default Optional<TiledLog> log() {
    return Optional.empty();
  }

  /** A note on the log for {@code /readyz} ({@code no writer yet}), when there is one. */
  default Optional<String> logStatus() {
    return Optional.empty();
  }

  /** The server listens at {@code url} now: a member starts its heartbeats. */
  default void started(String url) {}

  /** Stops what the view runs (a member leaves its cluster). */
  @Override
  default void close() {}

  /**
   * A single server: issues receipts with {@code issuer} and keeps them in {@code table} (scope:
   * the namespace, key: the position).
   */
  static ClusterView single(Receipts issuer, DocumentTable table) {
    return new ClusterView() {
      @Override
      public Optional<ObjectNode> receipt(Namespace ns, long position) {
        Optional<ObjectNode> r = stored(ns, position);
        if (r.isPresent()) {
          return r;
        }
        r = issuer.receipt(ns, position);
        r.ifPresent(x -> table.put(ns.id(), Long.toString(position), Json.line(x)));
        return r;
      }

      @Override
      public Optional<ObjectNode> stored(Namespace ns, long position) {
        return table.find(ns.id(), Long.toString(position))
            .map(s -> (ObjectNode) Json.parse(s));
      }

      @Override
      public ObjectNode describe(Optional<String> account) {
        ObjectNode o = Json.object();
        o.put("mode", "single");
        o.putArray("members");
        o.putArray("leases");
        ObjectNode log = o.putObject("log");
        log.put("writer", "self");
        account.ifPresent(a -> o.putObject("owner").put("account", a).put("member", "self"));
        return o;
      }

      @Override
      public void close() {
        table.close();
      }
    };
  }
}
