package org.covenant.core.vocab;

import java.util.Locale;
import java.util.Optional;

/** An in-product notice a participant acknowledges (ARCHITECTURE.md §6). */
public enum Notice {
  RECORDING,
  TRANSCRIPTION,
  LIVESTREAM,
  AI_COMPANION;

  /** The stable id used in events and answers. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The notice with this id, if any. */
  public static Optional<Notice> of(String id) {
    for (Notice n : values()) {
      if (n.id().equals(id)) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }
}
