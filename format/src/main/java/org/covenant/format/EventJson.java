package org.covenant.format;

import java.time.Instant;
import org.covenant.core.event.Event;

/**
 * The fast paths of an event's JSON, for the ledger's bulk reads and writes (issue 15): a
 * streaming reader that builds the event record straight from Jackson's tokens (no tree), and
 * writers of the row body and of the RFC 8785 canonical form straight from the record.
 *
 * <p>Each is exact by construction: it handles only the common, well-formed shape and hands
 * everything else to the general path it stands in for ({@link EventCodec#parse} over
 * {@link Json#parse}; {@link Json#line} of {@link EventCodec#toJson}; {@link CanonicalJson}),
 * so results and error messages are those of the general path. Pinned by {@code EventJsonTest}
 * (every event of seeded random ledgers and the corpus, and malformed variants, both ways).
 *
 * <p>This class is the public face only; the work is in package-private classes, one a concern:
 * {@link EventReader} (with {@link EventScanner} and {@link EventFields}) reads,
 * {@link EventWriter} writes, {@link InstantText} reads and writes the {@code at} text.
 */
public final class EventJson {
  private EventJson() {}

  /**
   * Reads one stored event's JSON, as {@code EventCodec.parse(Json.parse(json), Set.of())} does
   * (same event, same {@link FormatException} for bad input), without a tree for the common shape.
   */
  public static Event read(String json) {
    return EventReader.read(json);
  }

  /**
   * As {@link #read(String)} of {@code new String(utf8, UTF_8)}: a row read as bytes, with no
   * string of the whole body made when it is ASCII (any other byte goes through the string, so
   * malformed UTF-8 reads exactly as the string decoder reads it).
   */
  public static Event read(byte[] utf8) {
    return EventReader.read(utf8);
  }

  /**
   * As {@link #read(byte[])} of the bytes {@code from} (inclusive) to {@code to} (exclusive) of
   * {@code utf8}, read in place when they have the stored shape: a page of rows read as one blob
   * (issue 15) is not cut into an array a row.
   */
  public static Event read(byte[] utf8, int from, int to) {
    return EventReader.read(utf8, from, to);
  }

  /** Exactly {@link Instant#toString()}, without a formatter for the years 1000 to 9999. */
  public static String text(Instant at) {
    return InstantText.text(at);
  }

  /**
   * The event's row body: exactly {@code Json.line(EventCodec.toJson(event))}, the stored form
   * (ARCHITECTURE.md §3), written without a tree.
   */
  public static String line(Event event) {
    return EventWriter.line(event);
  }

  /** Rewrites a top-level string field's value (a pseudonym for a personal field, say). */
  @FunctionalInterface
  public interface Rewrite {
    /** The value to write for {@code field}, whose value is {@code value}. */
    String apply(String field, String value);
  }

  /**
   * Shows {@code sink} the event's {@code type} and each top-level string field, in wire order
   * (its return value is ignored).
   */
  public static void strings(Event event, Rewrite sink) {
    EventWriter.strings(event, sink);
  }

  /**
   * Appends the RFC 8785 canonical form of the event's JSON, each top-level string field's value
   * replaced by {@code rewrite}: the same bytes as {@link CanonicalJson#canonicalize} of the
   * rewritten {@link EventCodec#toJson} (which it falls back to when a string needs escaping).
   */
  public static void canonical(Event event, Rewrite rewrite, StringBuilder out) {
    EventWriter.canonical(event, rewrite, out);
  }
}
