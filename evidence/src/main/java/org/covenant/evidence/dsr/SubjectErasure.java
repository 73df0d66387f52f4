package org.covenant.evidence.dsr;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.format.EventCodec;
import org.covenant.format.Json;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.store.Ledger;

/**
 * Erases a data subject (docs/DATA-RIGHTS-DSR.md, "Erasure"): {@code user.removed} (nothing is
 * written when the ledger refuses it), then one ledger batch of {@code content.deleted} for every
 * item they authored that is not deleted yet (items under a legal hold are rejected
 * {@code legal_hold} by the ledger and listed as held); then the log is caught up and their pseudonym salt erased, so their leaves
 * stay in the tree, every proof still verifies, and nobody can link the leaves to them.
 */
public final class SubjectErasure {
  /**
   * What an erasure did.
   *
   * @param deleted the content deleted, with its ledger position
   * @param held the content under a legal hold, left as it is
   * @param kept content the ledger refused to delete for another reason (service-generated
   *     data, which is the platform's)
   * @param removedAt the ledger position of {@code user.removed}
   * @param saltErased whether the person had a salt to erase
   */
  public record Erased(List<String> deleted, List<String> held, List<String> kept,
      long removedAt, boolean saltErased) {
    /** Copies. */
    public Erased {
      deleted = List.copyOf(deleted);
      held = List.copyOf(held);
      kept = List.copyOf(kept);
    }

    /** The request's result. */
    public ObjectNode toJson() {
      ObjectNode o = Json.object();
      ArrayNode d = o.putArray("deleted");
      deleted.forEach(d::add);
      ArrayNode h = o.putArray("held");
      held.forEach(h::add);
      ArrayNode k = o.putArray("kept");
      kept.forEach(k::add);
      o.put("user_removed_position", removedAt);
      o.put("pseudonym_erased", saltErased);
      return o;
    }
  }

  private SubjectErasure() {}

  /**
   * Erases {@code subject} of {@code account}, acting as {@code by} (an owner or admin), at
   * {@code at} (or stamped by the ledger with {@code stamp}).
   *
   * @throws DataRightsException {@code unknown_subject} when the person is not a user of the
   *     account, {@code subject_erased} when they were removed already, or the ledger's rejection
   *     code of {@code user.removed} ({@code not_authorized}, …) when it refuses it
   */
  public static Erased erase(Ledger ledger, Optional<SubjectLog> feed, String account,
      String subject, String by, Instant at, boolean stamp) {
    SubjectFacts.Found found = SubjectFacts.collect(ledger, account, subject);
    if (found.removed()) {
      throw new DataRightsException("subject_erased", "`" + subject + "` was already removed "
          + "from `" + account + "`");
    }
    if (!found.user()) {
      throw new DataRightsException("unknown_subject", "`" + subject + "` is not a user of `"
          + account + "`");
    }
    if (subject.equals(by)) {
      throw new DataRightsException("not_authorized", "`" + by + "` cannot fulfil an erasure "
          + "of themselves: the owner or another admin of `" + account + "` acts");
    }
    // The removal first, alone: when the ledger refuses it (not an owner or admin, the owner
    // themselves) nothing at all is written.
    AppendResult removed = ledger.append(append(event("user.removed", at, "account", account,
        "user", subject, "by", by), at, stamp));
    if (!(removed instanceof AppendResult.Accepted acc)) {
      String code = removed instanceof AppendResult.Rejected rej
          ? rej.rejection().code().code() : "store_unavailable";
      String why = removed instanceof AppendResult.Rejected rej ? rej.rejection().message()
          : code;
      throw new DataRightsException(code, "removing `" + subject + "` from `" + account
          + "` was refused: " + why);
    }
    List<String> targets = new ArrayList<>(found.authored());
    targets.removeAll(found.deleted());
    List<Append> batch = new ArrayList<>();
    for (String content : targets) {
      batch.add(append(event("content.deleted", at, "content", content, "by", by), at, stamp));
    }
    List<AppendResult> results = batch.isEmpty() ? List.of() : ledger.append(batch);
    List<String> deleted = new ArrayList<>();
    List<String> held = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      AppendResult r = results.get(i);
      if (r instanceof AppendResult.Accepted) {
        deleted.add(targets.get(i));
      } else if (r instanceof AppendResult.Rejected rej
          && rej.rejection().code().code().equals("legal_hold")) {
        held.add(targets.get(i));
      } else {
        // Service-generated data the person "authored" is the platform's (not_authorized).
        kept.add(targets.get(i));
      }
    }
    boolean erased = feed.map(f -> f.erase(account, subject)).orElse(false);
    return new Erased(deleted, held, kept, acc.position(), erased);
  }

  private static Append append(Event e, Instant at, boolean stamp) {
    return new Append(e, Optional.empty(), Optional.empty(),
        stamp ? Optional.of(at) : Optional.empty());
  }

  private static Event event(String type, Instant at, String... fields) {
    ObjectNode o = Json.object();
    o.put("type", type);
    o.put("at", at.toString());
    for (int i = 0; i < fields.length; i += 2) {
      o.put(fields[i], fields[i + 1]);
    }
    return EventCodec.parse(o, java.util.Set.of());
  }
}
