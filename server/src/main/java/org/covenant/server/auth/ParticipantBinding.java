package org.covenant.server.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * What a participant token is bound to: one meeting, one participant in it, and the organisation
 * they join from (none when the issuer did not say; it may have no account here).
 *
 * @param meeting the meeting
 * @param participant the participant the token acts as
 * @param organisation the organisation their join names
 */
public record ParticipantBinding(String meeting, String participant,
    Optional<String> organisation) {
  /** Validates the fields. */
  public ParticipantBinding {
    Objects.requireNonNull(meeting, "meeting");
    Objects.requireNonNull(participant, "participant");
    Objects.requireNonNull(organisation, "organisation");
  }
}
