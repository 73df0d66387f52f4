package org.covenant.evidence.dsr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.covenant.evidence.LedgerFeed;
import org.covenant.format.Json;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;
import org.covenant.store.Ledger;

/**
 * Fulfils data subject requests against one ledger, its transparency log and the request register
 * (docs/DATA-RIGHTS-DSR.md): the one flow behind {@code covenant dsr} and
 * {@code POST /v1/accounts/{a}/dsr:export|dsr:erase}. A request named by id must be an open
 * request of that account, person and kind; without one, a request is recorded as received now and
 * fulfilled at once. A refusal of a named request is recorded ({@code refused}, with its code).
 */
public final class SubjectRequests {
  /** An export and the request it fulfilled. */
  public record Exported(DsrRequests.Request request, ObjectNode bundle) {}

  /** An erasure and the request it fulfilled. */
  public record Erasure(DsrRequests.Request request, SubjectErasure.Erased erased) {}

  private final Ledger ledger;
  private final TiledLog log;
  private final Optional<SubjectLog> feed;
  private final NoteSigner signer;
  private final DsrRequests register;
  private final Duration due;

  private SubjectRequests(Ledger ledger, TiledLog log, Optional<SubjectLog> feed,
      NoteSigner signer, DsrRequests register, Duration due) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.log = Objects.requireNonNull(log, "log");
    this.feed = Objects.requireNonNull(feed, "feed");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.register = Objects.requireNonNull(register, "register");
    this.due = Objects.requireNonNull(due, "due");
  }

  /**
   * Requests served from {@code ledger} and {@code log} (signed by {@code signer}); {@code feed}
   * is the log's feed when this process holds it (needed to erase), {@code due} the period from
   * receipt to due date.
   */
  public static SubjectRequests create(Ledger ledger, TiledLog log, Optional<LedgerFeed> feed,
      NoteSigner signer, DsrRequests register, Duration due) {
    return new SubjectRequests(ledger, log, feed.map(SubjectLog::of), signer, register, due);
  }

  /**
   * Requests served from {@code ledger} and {@code log}, whose writer is {@code writer} (in a
   * cluster, perhaps another member: docs/CLUSTER.md).
   */
  public static SubjectRequests create(Ledger ledger, TiledLog log, SubjectLog writer,
      NoteSigner signer, DsrRequests register, Duration due) {
    return new SubjectRequests(ledger, log, Optional.of(writer), signer, register, due);
  }

  /** The register. */
  public DsrRequests register() {
    return register;
  }

  /** Records a request received at {@code at}, to be fulfilled later. */
  public DsrRequests.Request receive(String account, String subject, DsrRequests.Kind kind,
      String by, Instant at) {
    requireUser(account, subject);
    return register.receive(account, subject, kind, by, at, due);
  }

  /**
   * The export bundle of {@code subject} of {@code account}.
   *
   * @throws DataRightsException {@code unknown_subject}, {@code subject_erased},
   *     {@code unknown_request}, {@code request_closed}, {@code log_behind}
   */
  public Exported export(String account, String subject, String by, Instant now,
      Optional<String> requestId) {
    DsrRequests.Request request = open(account, subject, DsrRequests.Kind.EXPORT, by, now,
        requestId);
    try {
      feed.ifPresent(SubjectLog::catchUp);
      SubjectFacts.Found found = requireUser(account, subject);
      ObjectNode bundle = SubjectBundle.export(found, log, signer, account, subject, now,
          Optional.of(request.id()));
      ObjectNode result = Json.object();
      result.put("facts", bundle.get("facts").size());
      result.put("receipts", bundle.get("receipts").size());
      result.put("tree_size", bundle.get("log").get("tree_size").asLong());
      return new Exported(register.complete(request.id(), DsrRequests.Status.COMPLETED, now,
          result), bundle);
    } catch (DataRightsException e) {
      refuse(request, now, e);
      throw e;
    }
  }

  /**
   * Erases {@code subject} of {@code account}, acting as {@code by}; {@code stamp}: the ledger
   * stamps the events' time (an online write) instead of taking {@code now} as given.
   *
   * @throws DataRightsException as {@link SubjectErasure#erase}, and {@code log_locked} when
   *     another process holds the log (it alone may erase a salt)
   */
  public Erasure erase(String account, String subject, String by, Instant now, boolean stamp,
      Optional<String> requestId) {
    if (feed.isEmpty()) {
      throw new DataRightsException("log_locked", "another process (a running server) holds "
          + "this data directory's log, and only it may erase a pseudonym: erase through its "
          + "API (POST /v1/accounts/" + account + "/dsr:erase)");
    }
    DsrRequests.Request request = open(account, subject, DsrRequests.Kind.ERASE, by, now,
        requestId);
    try {
      SubjectErasure.Erased erased = SubjectErasure.erase(ledger, feed, account, subject, by,
          now, stamp);
      DsrRequests.Status status = erased.held().isEmpty() ? DsrRequests.Status.COMPLETED
          : DsrRequests.Status.COMPLETED_WITH_HOLDS;
      return new Erasure(register.complete(request.id(), status, now, erased.toJson()), erased);
    } catch (DataRightsException e) {
      refuse(request, now, e);
      throw e;
    }
  }

  private DsrRequests.Request open(String account, String subject, DsrRequests.Kind kind,
      String by, Instant now, Optional<String> requestId) {
    if (requestId.isEmpty()) {
      SubjectFacts.Found found = SubjectFacts.collect(ledger, account, subject);
      check(found, account, subject);
      return register.receive(account, subject, kind, by, now, due);
    }
    DsrRequests.Request r = register.find(account, requestId.get()).orElseThrow(
        () -> new DataRightsException("unknown_request", "no request `" + requestId.get()
            + "` of `" + account + "`"));
    if (!r.subject().equals(subject) || r.kind() != kind) {
      throw new DataRightsException("unknown_request", "request `" + r.id() + "` is a "
          + r.kind().wire() + " request about `" + r.subject() + "`, not a " + kind.wire()
          + " request about `" + subject + "`");
    }
    if (r.status() != DsrRequests.Status.RECEIVED) {
      throw new DataRightsException("request_closed", "request `" + r.id() + "` is "
          + r.status().wire());
    }
    return r;
  }

  private void refuse(DsrRequests.Request r, Instant now, DataRightsException e) {
    if (e.code().equals("log_behind")) {
      return;
    }
    ObjectNode why = Json.object();
    why.put("code", e.code());
    why.put("message", e.getMessage());
    register.complete(r.id(), DsrRequests.Status.REFUSED, now, why);
  }

  private SubjectFacts.Found requireUser(String account, String subject) {
    SubjectFacts.Found found = SubjectFacts.collect(ledger, account, subject);
    check(found, account, subject);
    return found;
  }

  private static void check(SubjectFacts.Found found, String account, String subject) {
    if (found.removed()) {
      throw new DataRightsException("subject_erased", "`" + subject + "` was removed from `"
          + account + "`");
    }
    if (!found.user()) {
      throw new DataRightsException("unknown_subject", "`" + subject + "` is not a user of `"
          + account + "`");
    }
  }
}
