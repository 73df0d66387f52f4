package org.covenant.core.decision;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.covenant.core.state.ContentRecord;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.Reason;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Owner;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Vocabulary;

/**
 * What accepting a terms version would change for an account, purpose by purpose, computed by
 * the engine (docs/DECISIONS.md, "Previewing new terms"): for every content item the account
 * holds, the decision now against the decision {@link DecisionEngine#decideIfAccepted if it
 * accepted} (T_use the proposed terms, T_capture unchanged, so content captured under other
 * terms keeps their limits); and for content captured from now on, per customer category, the
 * decision under the current terms against the decision under the proposed ones ({@link
 * DecisionEngine#decideNew}). Pure: reads one snapshot.
 */
public final class TermsPreview {
  private TermsPreview() {}

  /**
   * The content the account holds, for one purpose.
   *
   * @param items items examined
   * @param allowedNow items the purpose may use now
   * @param allowedAfter items it could use after accepting
   * @param allowToDeny allowed now, denied after
   * @param denyToAllow denied now, allowed after
   * @param capturedUnderOtherTerms items denied after because the terms they were captured under
   *     do not allow it ({@code captured_under_other_terms})
   * @param reasonsAfter for the items allowed now and denied after, how many each primary reason
   *     denies, by reason code
   */
  public record Held(int items, int allowedNow, int allowedAfter, int allowToDeny,
      int denyToAllow, int capturedUnderOtherTerms, Map<String, Integer> reasonsAfter) {
    /** Copies. */
    public Held {
      reasonsAfter = Map.copyOf(reasonsAfter);
    }
  }

  /**
   * Content of one category captured from now on, for one purpose.
   *
   * @param category the customer category
   * @param now the decision under the terms accepted now
   * @param after the decision under the proposed terms
   * @param dependsOnMeeting whether either answer assumed a meeting feature or notice met
   */
  public record Fresh(Category category, Decision now, Decision after, boolean dependsOnMeeting) {
    /** Validates the fields. */
    public Fresh {
      Objects.requireNonNull(category, "category");
      Objects.requireNonNull(now, "now");
      Objects.requireNonNull(after, "after");
    }

    /** Whether accepting changes the answer. */
    public boolean changes() {
      return now.allowed() != after.allowed();
    }
  }

  /** One purpose: the held content and new content. */
  public record PurposeChange(Purpose purpose, Held held, List<Fresh> fresh) {
    /** Copies. */
    public PurposeChange {
      Objects.requireNonNull(purpose, "purpose");
      Objects.requireNonNull(held, "held");
      fresh = List.copyOf(fresh);
    }
  }

  /**
   * The whole preview.
   *
   * @param account the account
   * @param current the terms it has accepted at {@code at}, if any
   * @param proposed the terms previewed
   * @param at the time of the preview
   * @param items content items examined
   * @param purposes every purpose of the vocabulary, in its order
   */
  public record Preview(String account, Optional<String> current, String proposed, Instant at,
      int items, List<PurposeChange> purposes) {
    /** Copies. */
    public Preview {
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(current, "current");
      Objects.requireNonNull(proposed, "proposed");
      Objects.requireNonNull(at, "at");
      purposes = List.copyOf(purposes);
    }
  }

  /**
   * The preview of {@code proposed} for {@code account} at {@code at}.
   *
   * @throws IllegalArgumentException when the engine's catalog has no {@code proposed}
   */
  public static Preview of(DecisionEngine engine, Snapshot snapshot, String account,
      String proposed, Instant at) {
    if (engine.catalog().version(proposed).isEmpty()) {
      throw new IllegalArgumentException("no terms `" + proposed + "` in the catalog");
    }
    long t = TimeKey.of(at);
    Optional<String> current = snapshot.terms(account, t, snapshot.position())
        .map(Snapshot.Stamped::value);
    List<ContentRecord> held = snapshot.contentOf(account, t);
    List<PurposeChange> out = new ArrayList<>();
    for (Purpose p : Vocabulary.purposes()) {
      int allowedNow = 0;
      int allowedAfter = 0;
      int toDeny = 0;
      int toAllow = 0;
      int otherTerms = 0;
      Map<String, Integer> reasons = new TreeMap<>();
      for (ContentRecord c : held) {
        DecisionRequest r = new DecisionRequest(p, c.id(), at);
        Decision now = engine.decide(snapshot, r);
        Decision after = engine.decideIfAccepted(snapshot, r, proposed);
        if (now.allowed()) {
          allowedNow++;
        }
        if (after.allowed()) {
          allowedAfter++;
        }
        boolean underOther = !after.allowed()
            && after.reasons().contains(Reason.CAPTURED_UNDER_OTHER_TERMS);
        if (underOther) {
          otherTerms++;
        }
        if (now.allowed() && !after.allowed()) {
          toDeny++;
          reasons.merge(after.reasons().get(0).code(), 1, Integer::sum);
        } else if (!now.allowed() && after.allowed()) {
          toAllow++;
        }
      }
      List<Fresh> fresh = new ArrayList<>();
      for (Category c : Vocabulary.categories()) {
        if (c.owner() != Owner.CUSTOMER) {
          continue;
        }
        DecisionEngine.Prospect now = engine.decideNew(snapshot, account, c, p, at,
            Optional.empty());
        DecisionEngine.Prospect after = engine.decideNew(snapshot, account, c, p, at,
            Optional.of(proposed));
        fresh.add(new Fresh(c, now.decision(), after.decision(),
            (now.decision().allowed() && now.dependsOnMeeting())
                || (after.decision().allowed() && after.dependsOnMeeting())));
      }
      out.add(new PurposeChange(p, new Held(held.size(), allowedNow, allowedAfter, toDeny,
          toAllow, otherTerms, reasons), fresh));
    }
    return new Preview(account, current, proposed, at, held.size(), out);
  }
}
