package org.covenant.core.decision;

import java.util.Locale;

/** The outcome of a decision. Deny is the default. */
public enum Verdict {
  ALLOW,
  DENY;

  /** The lowercase id used on the wire. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
