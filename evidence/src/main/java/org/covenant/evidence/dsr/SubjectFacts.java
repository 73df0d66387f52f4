package org.covenant.evidence.dsr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.spi.StoredEvent;
import org.covenant.evidence.LedgerFeed;
import org.covenant.format.EventCodec;
import org.covenant.store.Ledger;

/**
 * Every ledger fact about one person of one account (docs/DATA-RIGHTS-DSR.md, "What a fact is"):
 * one pass over the ledger, reading events as JSON so that event types added later are covered by
 * the same rules (a personal field naming the person, a {@code user:} scope naming them, their
 * meetings and their content).
 */
public final class SubjectFacts {
  /** One fact: the ledger event, its position and how it concerns the person. */
  public record Fact(long position, String relation, ObjectNode event) {}

  /** What the pass found. */
  public record Found(List<Fact> facts, boolean user, boolean removed, Set<String> content,
      List<String> authored, Set<String> deleted) {
    /** Copies. */
    public Found {
      facts = List.copyOf(facts);
      content = Set.copyOf(content);
      authored = List.copyOf(authored);
      deleted = Set.copyOf(deleted);
    }
  }

  private static final int PAGE = 10_000;

  private SubjectFacts() {}

  /** The facts about {@code subject} of {@code account} in {@code ledger}, in ledger order. */
  public static Found collect(Ledger ledger, String account, String subject) {
    Map<String, String> meetingAccount = new HashMap<>();
    Map<String, String> contentAccount = new HashMap<>();
    Set<String> hosted = new HashSet<>();
    Set<String> meetings = new HashSet<>();
    Set<String> contentSet = new LinkedHashSet<>();
    Set<String> authored = new LinkedHashSet<>();
    Set<String> deleted = new HashSet<>();
    List<Fact> facts = new ArrayList<>();
    boolean user = false;
    boolean removed = false;
    long after = 0;
    while (true) {
      List<StoredEvent> page = ledger.events(after, PAGE);
      for (StoredEvent e : page) {
        ObjectNode j = EventCodec.toJson(e.event());
        String type = j.path("type").asText();
        String meeting = text(j, "meeting").orElse(null);
        String contentId = text(j, "content").orElse(null);
        if (type.equals("meeting.started")) {
          meetingAccount.put(meeting, j.path("account").asText());
        }
        if (type.equals("content.created")) {
          contentAccount.put(contentId, j.path("account").asText());
        }
        // The one rule the log's salts are keyed by, too.
        String owner = LedgerFeed.ownerOf(j, m -> Optional.ofNullable(meetingAccount.get(m)),
            c -> Optional.ofNullable(contentAccount.get(c))).orElse(null);
        if (!account.equals(owner)) {
          continue;
        }
        boolean names = false;
        for (String f : LedgerFeed.PERSONAL) {
          names |= subject.equals(j.path(f).asText(null));
        }
        boolean scoped = (LedgerFeed.USER_SCOPE + subject).equals(j.path("scope").asText(null));
        String relation = null;
        switch (type) {
          case "account.created", "user.added", "user.removed" -> {
            if (names) {
              relation = "user_record";
              user |= !type.equals("user.removed");
              removed |= type.equals("user.removed");
            }
          }
          case "setting.set", "setting.cleared" -> relation = names || scoped ? "setting" : null;
          case "consent.granted", "consent.withdrawn" -> relation = names ? "consent" : null;
          case "terms.accepted" -> relation = names ? "terms" : null;
          case "meeting.started" -> {
            if (names) {
              relation = "meeting_hosted";
              hosted.add(meeting);
              meetings.add(meeting);
            }
          }
          case "meeting.feature", "meeting.ended" ->
              relation = names || hosted.contains(meeting) ? "meeting_hosted" : null;
          case "participant.joined", "participant.left" -> {
            if (names) {
              relation = "meeting_joined";
              meetings.add(meeting);
            }
          }
          case "notice.acknowledged" -> relation = names ? "notice_acknowledged" : null;
          case "content.created" -> {
            if (names) {
              relation = "content_authored";
              authored.add(contentId);
              contentSet.add(contentId);
            } else if (meeting != null && meetings.contains(meeting)) {
              relation = "content_contributed";
              contentSet.add(contentId);
            }
          }
          default -> {
            // content.deleted, legal holds and whatever later issues add: a fact about the
            // person when it names them or acts on their content.
            if (names || scoped || (contentId != null && contentSet.contains(contentId))) {
              relation = contentId != null ? "content_decision"
                  : type.startsWith("legal_hold.") ? "legal_hold" : "other";
            }
          }
        }
        if (type.equals("content.deleted")) {
          deleted.add(contentId);
        }
        if (relation != null) {
          facts.add(new Fact(e.position(), relation, j));
        }
      }
      if (page.size() < PAGE) {
        break;
      }
      after = page.get(page.size() - 1).position();
    }
    return new Found(facts, user, removed, contentSet, new ArrayList<>(authored), deleted);
  }

  private static Optional<String> text(JsonNode j, String field) {
    JsonNode v = j.get(field);
    return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }
}
