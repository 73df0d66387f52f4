package org.covenant.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.event.Event;
import org.covenant.core.event.Scope;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Role;
import org.covenant.core.vocab.SettingDef;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.AnswerJson;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;

/**
 * Valid governance events for tests and the crash child: one account per writer, then a seeded
 * mix of content, consent and setting events that the projection always accepts (all at the same
 * instant, so concurrent writers never trip {@code out_of_order}).
 */
final class Workload {
  static final Instant AT = Instant.parse("2024-03-01T12:00:00Z");
  static final Instant FAR = Instant.parse("2100-01-01T00:00:00Z");
  static final TermsCatalog CATALOG = TermsLibrary.builtInCatalog();
  private static final String[] CATEGORIES = {
    "customer_content.audio", "customer_content.chat", "customer_content.transcript",
    "customer_content.recording", "service_generated.telemetry"};
  private static final String[] KEYS = {
    "recording.cloud", "transcription.enabled", "ai_companion.enabled",
    "ai_companion.meeting_summary", "diagnostics.optional"};

  private Workload() {}

  static String owner(String account) {
    return account + "-owner";
  }

  /** Creates the account, accepts the default terms, adds an admin, starts a meeting. */
  static List<Event> setup(String account) {
    String owner = owner(account);
    return List.of(
        new Event.AccountCreated(AT, account, owner),
        new Event.TermsAccepted(AT, account, "default", owner),
        new Event.UserAdded(AT, account, account + "-admin", Role.ADMIN, Optional.empty()),
        new Event.MeetingStarted(AT, account, account + "-m", owner, List.of("recording.cloud")));
  }

  /** The n-th event of the account's stream (after {@link #setup}); always accepted. */
  static Event next(String account, long n, Random r) {
    String owner = owner(account);
    int kind = r.nextInt(4);
    if (kind <= 1) {
      boolean inMeeting = r.nextBoolean();
      return new Event.ContentCreated(AT, content(account, n),
          CATEGORIES[r.nextInt(CATEGORIES.length)], account,
          inMeeting ? Optional.of(account + "-m") : Optional.empty(),
          inMeeting ? Optional.of(owner) : Optional.empty(), List.of());
    }
    if (kind == 2) {
      String consent = r.nextBoolean() ? "ai_training" : "product_improvement";
      return r.nextBoolean()
          ? new Event.ConsentGranted(AT, account, consent, owner)
          : new Event.ConsentWithdrawn(AT, account, consent, owner);
    }
    return new Event.SettingSet(AT, account, Scope.parse("account").orElseThrow(),
        KEYS[r.nextInt(KEYS.length)], r.nextBoolean(), r.nextBoolean(), owner);
  }

  static String content(String account, long n) {
    return account + "-c" + n;
  }

  /** The setup plus {@code count} stream events. */
  static List<Event> stream(String account, int count, long seed) {
    Random r = new Random(seed);
    List<Event> out = new ArrayList<>(setup(account));
    for (int i = 0; i < count; i++) {
      out.add(next(account, i, r));
    }
    return out;
  }

  /** Stored events at positions from {@code first}, no keys (store-level tests). */
  static List<StoredEvent> stored(long first, List<Event> events) {
    List<StoredEvent> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      out.add(StoredEvent.of(first + i, events.get(i)));
    }
    return out;
  }

  /** {@code count} distinct events that a store accepts (it does not validate). */
  static List<Event> accounts(String prefix, int count) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new Event.AccountCreated(AT, prefix + i, prefix + i + "-owner"));
    }
    return out;
  }

  /**
   * A digest of what a snapshot answers: every decision for the given contents and every
   * purpose, every account-level setting and consent of the given accounts, as of {@link #FAR}.
   * Equal digests mean the projections agree on all of it.
   */
  static String fingerprint(Snapshot s, List<String> accounts, List<String> contents) {
    DecisionEngine engine = DecisionEngine.create(CATALOG);
    ArrayNode all = Json.array();
    all.add(s.position());
    for (String c : contents) {
      for (Purpose p : Vocabulary.purposes()) {
        all.add(AnswerJson.decision(engine.decide(s, new DecisionRequest(p, c, FAR))));
      }
    }
    long t = TimeKey.of(FAR);
    for (String a : accounts) {
      ObjectNode o = all.addObject();
      o.put("account", a);
      for (SettingDef d : Vocabulary.settings()) {
        o.set(d.key(), AnswerJson.setting(s.setting(a, Optional.empty(), d, t)));
      }
      for (ConsentType c : ConsentType.values()) {
        o.put(c.name(), s.consent(a, c, t, Long.MAX_VALUE, Snapshot.noEvidence()).name());
      }
    }
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest(Json.line(all).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
