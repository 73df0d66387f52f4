package org.covenant.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.covenant.core.event.Event;
import org.covenant.core.event.Scope;
import org.covenant.core.vocab.Role;

/**
 * A seeded stream of governance events that the ledger accepts in order, for the store
 * benchmarks: accounts of 100 events each (account, terms, an admin, a meeting with recording,
 * then content in and out of meetings, consent changes and account settings), one millisecond
 * apart or all at one instant.
 */
public final class StoreWorkload {
  private static final String[] TERMS = {
    "default", "example-2023-03-31", "example-2023-08-07", "example-2023-08-11"};
  private static final String[] CATEGORIES = {
    "customer_content.audio", "customer_content.video", "customer_content.chat",
    "customer_content.transcript", "customer_content.recording", "service_generated.telemetry"};
  private static final String[] KEYS = {
    "transcription.enabled", "ai_companion.enabled", "ai_companion.meeting_summary",
    "diagnostics.optional", "livestream.enabled"};
  private static final int PER_ACCOUNT = 100;

  private final SplittableRandom random;
  private final String prefix;
  private final boolean frozen;
  private Instant at = Instant.parse("2024-01-01T00:00:00Z");
  private long produced;

  private StoreWorkload(String prefix, long seed, boolean frozen) {
    this.prefix = prefix;
    this.frozen = frozen;
    this.random = new SplittableRandom(seed);
  }

  /** A stream whose ids start with {@code prefix} (distinct prefixes never collide). */
  public static StoreWorkload create(String prefix, long seed) {
    return new StoreWorkload(prefix, seed, false);
  }

  /** As {@link #create}, but every event at the same instant, so streams may interleave. */
  public static StoreWorkload frozen(String prefix, long seed) {
    return new StoreWorkload(prefix, seed, true);
  }

  /** The next {@code count} events. */
  public List<Event> next(int count) {
    List<Event> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(next());
    }
    return out;
  }

  /** The next event. */
  public Event next() {
    long n = produced++;
    long account = n / PER_ACCOUNT;
    int step = (int) (n % PER_ACCOUNT);
    if (!frozen) {
      at = at.plusMillis(1);
    }
    String a = prefix + "a" + account;
    String owner = a + "-owner";
    String meeting = a + "-m";
    switch (step) {
      case 0:
        return new Event.AccountCreated(at, a, owner);
      case 1:
        return new Event.TermsAccepted(at, a, TERMS[random.nextInt(TERMS.length)], owner);
      case 2:
        return new Event.UserAdded(at, a, a + "-admin", Role.ADMIN, Optional.empty());
      case 3:
        return new Event.MeetingStarted(at, a, meeting, owner, List.of("recording.cloud"));
      default:
        break;
    }
    int kind = random.nextInt(10);
    if (kind < 6) {
      boolean inMeeting = random.nextBoolean();
      return new Event.ContentCreated(at, a + "-c" + step, CATEGORIES[random.nextInt(
          CATEGORIES.length)], a, inMeeting ? Optional.of(meeting) : Optional.empty(),
          inMeeting ? Optional.of(owner) : Optional.empty(), List.of());
    }
    if (kind < 8) {
      String consent = random.nextBoolean() ? "ai_training" : "product_improvement";
      return random.nextBoolean()
          ? new Event.ConsentGranted(at, a, consent, owner)
          : new Event.ConsentWithdrawn(at, a, consent, owner);
    }
    return new Event.SettingSet(at, a, Scope.account(), KEYS[random.nextInt(KEYS.length)],
        random.nextBoolean(), random.nextBoolean(), owner);
  }
}
