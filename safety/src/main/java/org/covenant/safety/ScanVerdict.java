package org.covenant.safety;

import java.util.Locale;

/** What a scan concludes about an invite (rule in {@link InviteScanner}). */
public enum ScanVerdict {
  /** Deliver the invite. */
  CLEAN,
  /** Unsolicited bulk content: hold it for review. */
  SPAM,
  /** Spam that tries to take credentials or money through deception: hold it for review. */
  FRAUD;

  /** The wire name: {@code clean}, {@code spam} or {@code fraud}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the invite is held for review ({@link #SPAM} or {@link #FRAUD}). */
  public boolean flagged() {
    return this != CLEAN;
  }
}
