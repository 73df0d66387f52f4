package org.covenant.core.vocab;

import java.util.Locale;
import java.util.Optional;

/** An in-product notice a participant acknowledges (ARCHITECTURE.md §6). */
public enum Notice {
  RECORDING,
  TRANSCRIPTION,
  LIVESTREAM,
  AI_COMPANION;

  // Made once: every replayed notice.acknowledged looks its notice up (issue 15), and a
  // lower-cased copy of each name per look-up showed on the replay's applying thread.
  private final String id = name().toLowerCase(Locale.ROOT);
  private final Optional<Notice> self = Optional.of(this);
  private static final Notice[] ALL = values();

  /** The stable id used in events and answers. */
  public String id() {
    return id;
  }

  /** The notice with this id, if any. */
  public static Optional<Notice> of(String id) {
    for (Notice n : ALL) {
      if (n.id.equals(id)) {
        return n.self;
      }
    }
    return Optional.empty();
  }
}
