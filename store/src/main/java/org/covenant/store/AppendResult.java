package org.covenant.store;

import java.util.Objects;
import org.covenant.core.event.Event;
import org.covenant.core.event.Rejection;

/**
 * What happened to one {@link Append} (ARCHITECTURE.md §3): accepted and durable at a position,
 * rejected with its code (never stored), a duplicate of an earlier append with the same
 * idempotency key, a reuse of a key with another request, or stale (the caller's expected head had moved; nothing was checked).
 */
public sealed interface AppendResult {
  /** The event offered. */
  Event event();

  /** True when the event is in the ledger: accepted now or by an earlier duplicate. */
  boolean stored();

  /** Durable at {@code position}. */
  record Accepted(Event event, long position) implements AppendResult {
    /** Validates the fields. */
    public Accepted {
      Objects.requireNonNull(event, "event");
    }

    @Override
    public boolean stored() {
      return true;
    }
  }

  /** Not appended, no position, changed nothing. */
  record Rejected(Event event, Rejection rejection) implements AppendResult {
    /** Validates the fields. */
    public Rejected {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(rejection, "rejection");
    }

    @Override
    public boolean stored() {
      return false;
    }
  }

  /**
   * The idempotency key was appended before, at {@code position}; nothing was appended now. The
   * event offered is not compared with the stored one.
   */
  record Duplicate(Event event, String idempotencyKey, long position) implements AppendResult {
    /** Validates the fields. */
    public Duplicate {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    }

    @Override
    public boolean stored() {
      return true;
    }
  }

  /**
   * The idempotency key was appended before, at {@code position}, with a request of another
   * fingerprint: refused, nothing was appended ({@code idempotency_key_reused}).
   */
  record KeyReused(Event event, String idempotencyKey, long position) implements AppendResult {
    /** Validates the fields. */
    public KeyReused {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    }

    @Override
    public boolean stored() {
      return false;
    }
  }

  /**
   * Optimistic concurrency: the caller expected the head at {@code expectedHead} but it was at
   * {@code head}; the event was neither checked nor appended. Read the new events and retry.
   */
  record Stale(Event event, long expectedHead, long head) implements AppendResult {
    /** Validates the fields. */
    public Stale {
      Objects.requireNonNull(event, "event");
    }

    @Override
    public boolean stored() {
      return false;
    }
  }
}
