package org.covenant.evidence.receipt;

import java.util.Optional;

/** Whether a consent receipt records a consent being given or withdrawn (ISO/IEC TS 27560). */
public enum ConsentState {
  /** The consent was granted ({@code consent.granted}, ARCHITECTURE.md §3). */
  GRANTED("granted"),
  /** The consent was withdrawn ({@code consent.withdrawn}). */
  WITHDRAWN("withdrawn");

  private final String wire;

  ConsentState(String wire) {
    this.wire = wire;
  }

  /** The JSON spelling: {@code granted} or {@code withdrawn}. */
  public String wire() {
    return wire;
  }

  /** The state spelled {@code wire}, if any. */
  public static Optional<ConsentState> ofWire(String wire) {
    for (ConsentState s : values()) {
      if (s.wire.equals(wire)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
