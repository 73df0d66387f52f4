package org.covenant.server;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a cluster member sends a request (docs/CLUSTER.md, "Forwarding"): an account's requests
 * to its owner by rendezvous hashing over the live members, a scratch namespace's to the member
 * that holds it in memory. A single server has no routing: everything is local.
 */
public interface Routing {
  /** Where a request goes. */
  sealed interface Place {}

  /** This member answers. */
  record Local() implements Place {}

  /** Another member answers: {@code id} at {@code url}. */
  record Remote(String id, String url) implements Place {}

  /** No live member can answer (none owns it, or the namespace's member is gone). */
  record Nowhere(String reason) implements Place {}

  /** This member's id. */
  String self();

  /** The owner of {@code account} in this member's current view of the members. */
  Place place(String account);

  /** The member holding scratch namespace {@code namespace} (its id names it). */
  Place placeNamespace(String namespace);

  /** The member a new scratch namespace goes to. */
  Place placeNewNamespace();

  /** The suffix of the ids of scratch namespaces this member creates ({@code .MEMBER}). */
  String namespaceSuffix();

  /** Re-reads the members now (after a failed forward); true when the view changed. */
  boolean refresh();

  /**
   * Waits up to {@code bound} until this member may answer for {@code account}: it owns it, its
   * projection of it is loaded and caught up with the head seen when it gained it. False when
   * the bound passed first or it does not own the account (any more).
   */
  boolean awaitReady(String account, Duration bound);

  /** Whether this member's projection holds {@code account} now, owner or not. */
  boolean projects(String account);

  /** Reads the ledger to its head (after a write this member forwarded was acknowledged). */
  void catchUp();

  /** The account of a meeting, on every member. */
  Optional<String> accountOfMeeting(String meeting);

  /** The account of a content item, on every member. */
  Optional<String> accountOfContent(String content);

  /** Counts an event of routing, shown by {@code GET /v1/cluster}. */
  void count(Counter c);

  /** What {@link #count} counts. */
  enum Counter {
    /** a request this member forwarded to another */
    FORWARDED,
    /** a forwarded request this member answered for another */
    SERVED_FOR_OTHERS,
    /** a forward retried against a new owner after the first failed */
    RETRIED,
    /** a request answered 503, or a decision denied, because no owner answered */
    OWNER_UNAVAILABLE,
    /** a forwarded request refused because this member does not own the account */
    OWNERSHIP_MOVING,
    /** a request that waited past the bound for the account's move */
    MOVE_TIMEOUT,
    /** a batch of events spanning owners, validated and appended by this member itself */
    SPANNING
  }
}
