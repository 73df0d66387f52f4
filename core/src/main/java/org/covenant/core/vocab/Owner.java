package org.covenant.core.vocab;

/** Who owns a data category (ARCHITECTURE.md §2): the customer or the platform. */
public enum Owner {
  CUSTOMER,
  PLATFORM;

  /** The lowercase id used in exports. */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
