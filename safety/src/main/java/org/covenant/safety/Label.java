package org.covenant.safety;

import java.util.Locale;

/** The class of a training or evaluation example. */
public enum Label {
  /** Wanted mail: an invite that should be delivered. */
  HAM,
  /** Unwanted mail: spam or fraud. */
  SPAM;

  /** The wire name: {@code ham} or {@code spam}, as in the corpus. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code ham} or {@code spam} (case-insensitive). */
  public static Label of(String code) {
    switch (code.toLowerCase(Locale.ROOT)) {
      case "ham":
        return HAM;
      case "spam":
        return SPAM;
      default:
        throw new IllegalArgumentException("unknown label `" + code + "`");
    }
  }
}
