package org.covenant.telemetry;

/**
 * Port: whether optional diagnostic data may be collected from a user at an instant, i.e. whether
 * {@code diagnostics.optional} (ARCHITECTURE.md §2, ceiling mode: the AND of the account, group and
 * user levels, default true) is effectively true for that user at that time. The composition root
 * implements it over the core's settings projection; {@link InMemoryDiagnosticsConsent} implements
 * it over a list of §3 {@code setting.*} events for tools and tests.
 */
@FunctionalInterface
public interface DiagnosticsConsent {
  /**
   * @param account the account pseudonym, as carried by the event
   * @param user the user pseudonym, or empty when the event names no user (account level alone)
   * @param epochMillis the event's instant
   * @return true when optional diagnostics may be collected
   */
  boolean optionalAllowed(String account, String user, long epochMillis);

  /** Consent that allows everything (the default of {@code diagnostics.optional}). */
  static DiagnosticsConsent allowAll() {
    return (account, user, epochMillis) -> true;
  }
}
