package org.covenant.server.auth;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a service token may append, besides asking decisions for its purposes: the event types
 * its role needs, and nothing else (docs/DECISIONS.md, "Service roles"). A service token acts only
 * in the accounts it is bound to, whatever its role.
 */
public enum ServiceRole {
  /** Asks decisions only (a training pipeline, an analytics job): appends nothing. */
  DECISIONS(Set.of()),
  /** Registers content (a recording or file store): {@code content.created}. */
  CONTENT(Set.of("content.created")),
  /**
   * Reports meetings as the meeting service sees them: starts and ends, features, participants,
   * notice acknowledgements, and the content a meeting produces.
   */
  MEETINGS(Set.of("meeting.started", "meeting.feature", "meeting.ended", "participant.joined",
      "participant.left", "notice.acknowledged", "content.created"));

  private final Set<String> eventTypes;

  ServiceRole(Set<String> eventTypes) {
    this.eventTypes = eventTypes;
  }

  /** The event types a token of this role may append. */
  public Set<String> eventTypes() {
    return eventTypes;
  }

  /** Whether this role may append events of {@code type}. */
  public boolean mayAppend(String type) {
    return eventTypes.contains(type);
  }

  /** The wire id. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role with this id. */
  public static Optional<ServiceRole> of(String id) {
    for (ServiceRole r : values()) {
      if (r.id().equals(id)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
