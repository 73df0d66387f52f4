package org.covenant.core.state;

import java.util.List;
import java.util.Objects;
import org.covenant.core.vocab.Notice;

/**
 * What a participant must be shown in a meeting and whether they are held muted (§6).
 *
 * @param present whether the participant is in the meeting at that time
 * @param notices the notices of every active feature, in {@link Notice} order
 * @param acknowledged the shown notices the participant has acknowledged (the host: all)
 * @param muted held muted until every shown notice is acknowledged
 */
public record NoticeState(
    boolean present, List<Notice> notices, List<Notice> acknowledged, boolean muted) {
  /** Validates and copies. */
  public NoticeState {
    notices = List.copyOf(Objects.requireNonNull(notices, "notices"));
    acknowledged = List.copyOf(Objects.requireNonNull(acknowledged, "acknowledged"));
  }

  /** Nothing shown, not muted: for someone not present. */
  public static NoticeState absent() {
    return new NoticeState(false, List.of(), List.of(), false);
  }
}
