package org.covenant.core.state;

import java.util.Objects;
import org.covenant.core.event.Event;
import org.covenant.core.event.Rejection;

/** What happened to an event offered to the ledger (ARCHITECTURE.md §3). */
public sealed interface Outcome {
  /** The event offered. */
  Event event();

  /** True when it was appended. */
  boolean accepted();

  /** Appended at this ledger position (1-based). */
  record Accepted(Event event, long position) implements Outcome {
    /** Validates the fields. */
    public Accepted {
      Objects.requireNonNull(event, "event");
    }

    @Override
    public boolean accepted() {
      return true;
    }
  }

  /** Not appended, no position, changed nothing. */
  record Rejected(Event event, Rejection rejection) implements Outcome {
    /** Validates the fields. */
    public Rejected {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(rejection, "rejection");
    }

    @Override
    public boolean accepted() {
      return false;
    }
  }
}
