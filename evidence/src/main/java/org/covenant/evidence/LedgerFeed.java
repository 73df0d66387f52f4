package org.covenant.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.covenant.core.event.Event;
import org.covenant.core.state.Snapshot;
import org.covenant.core.spi.StoredEvent;
import org.covenant.evidence.receipt.ConsentReceipt;
import org.covenant.evidence.receipt.ConsentState;
import org.covenant.evidence.receipt.ReceiptIssuer;
import org.covenant.format.CanonicalJson;
import org.covenant.format.EventCodec;
import org.covenant.format.Json;
import org.covenant.log.LogException;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;
import org.covenant.store.Ledger;

/**
 * Feeds a data directory's transparency log (ARCHITECTURE.md §7) from its ledger: one leaf per
 * accepted ledger event (RFC 8785 canonical JSON, personal fields pseudonymized), one leaf per
 * decision-log flush (its summary, like a bulk job's one leaf), and the consent receipts. The log
 * may lag the ledger, never lead it; on start the feed finds the last ledger position it logged
 * by reading the log's last leaves, so a restart neither skips nor repeats events. The server and
 * the CLI feed the same leaves through this one class ({@link DataDirectory#feed}).
 */
public final class LedgerFeed {
  /** The leaf type of a ledger event. */
  public static final String EVENT_LEAF = "covenant.ledger-event/1";
  /** The leaf type of a decision-log flush. */
  public static final String DECISIONS_LEAF = "covenant.decision-summary/1";
  /** The fields of an event that name a person, pseudonymized in its leaf. */
  public static final Set<String> PERSONAL = Set.of("owner", "user", "by", "host",
      "participant", "author");
  /**
   * The prefix of a {@code scope} that names a person ({@code user:U}): since issue 18 its id is
   * pseudonymized too ({@code user:sha256:…}), so erasing a salt leaves no user id in clear.
   */
  public static final String USER_SCOPE = "user:";
  private static final int PAGE = 10_000;

  private final TiledLog log;
  private final Ledger ledger;
  private final Pseudonyms pseudonyms;
  private final ReceiptIssuer receipts;
  private long loggedUpTo;

  private LedgerFeed(TiledLog log, NoteSigner signer, Ledger ledger, Pseudonyms pseudonyms) {
    this.log = log;
    this.ledger = ledger;
    this.pseudonyms = pseudonyms;
    this.receipts = ReceiptIssuer.create(log, signer);
    long index = lastEventLeaf(log);
    this.loggedUpTo = index < 0 ? 0 : positionOf(log.leaf(index));
    crossCheck(index);
  }

  /**
   * A feed into {@code log}, signed by {@code signer}, of {@code ledger}, after checking
   * that the ledger is the one the log records.
   *
   * @throws LogException {@code ledger_behind_log} when the log holds ledger positions the ledger
   *     does not (a lost or replaced database); {@code ledger_log_mismatch} when the ledger's event
   *     at the last logged position is not the one the log committed
   */
  public static LedgerFeed create(TiledLog log, NoteSigner signer, Ledger ledger,
      Pseudonyms pseudonyms) {
    return new LedgerFeed(log, signer, ledger, pseudonyms);
  }

  /** The log this feed appends to. */
  public TiledLog log() {
    return log;
  }

  /** The last ledger position recorded in a log's leaves (0 when none). */
  public static long lastLoggedPosition(TiledLog log) {
    long index = lastEventLeaf(log);
    return index < 0 ? 0 : positionOf(log.leaf(index));
  }

  /** The index of the log's last ledger-event leaf, or -1. */
  private static long lastEventLeaf(TiledLog log) {
    for (long i = log.size() - 1; i >= 0; i--) {
      if (EVENT_LEAF.equals(leafJson(log.leaf(i)).path("type").asText())) {
        return i;
      }
    }
    return -1;
  }

  private static JsonNode leafJson(byte[] leaf) {
    return Json.parse(new String(leaf, StandardCharsets.UTF_8));
  }

  private static long positionOf(byte[] leaf) {
    return leafJson(leaf).path("position").asLong();
  }

  /**
   * Start-up cross-check (docs/DECISIONS.md, "Ledger and log at start-up"): the log may lag the
   * ledger (it is caught up), never lead it; and the ledger's event at the last logged position
   * must be, byte for byte, the leaf the log committed under its signed root.
   */
  private void crossCheck(long index) {
    if (index < 0) {
      return;
    }
    long head = ledger.head();
    Path dir = log.directory().getParent();
    if (loggedUpTo > head) {
      throw new LogException("ledger_behind_log", "the ledger of `" + dir + "` holds " + head
          + " events but its transparency log (`" + log.directory() + "`, " + log.size()
          + " leaves) already logs ledger position " + loggedUpTo + ": the ledger was lost or "
          + "replaced. Restore the ledger (ledger.db or the database) from a backup holding "
          + "position " + loggedUpTo + " or later; the log was left as it is");
    }
    List<StoredEvent> at = ledger.events(loggedUpTo - 1, 1);
    // Personal fields are compared no further than their presence: a salt may have been erased.
    ObjectNode logged = (ObjectNode) leafJson(log.leaf(index)).path("event");
    if (at.isEmpty() || !impersonal(EventCodec.toJson(at.get(0).event()))
        .equals(impersonal(logged))) {
      throw new LogException("ledger_log_mismatch", "the ledger of `" + dir + "` (" + head
          + " events) differs at position " + loggedUpTo + " from what its transparency log (`"
          + log.directory() + "`, " + log.size() + " leaves) committed at leaf " + index
          + ": the ledger was replaced. Restore the ledger this log records; the log was left "
          + "as it is");
    }
  }

  /**
   * Where the log stands, read in one step: the last ledger position logged, and the tree size
   * and root that include it (the size may count later non-event leaves too).
   */
  public record LogPoint(long position, long size, byte[] root) {}

  /**
   * The point of {@code log} as this process sees it (a cluster follower's view included): its
   * size, the root there, and the last ledger position logged below it; empty when it has logged
   * no ledger event. Read without this feed: any member can checkpoint at a point the log has
   * covered (docs/CLUSTER.md, "Checkpoints").
   */
  public static java.util.Optional<LogPoint> pointOf(TiledLog log) {
    long size = log.size();
    long leaf = lastEventLeaf(log, size);
    if (leaf < 0) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new LogPoint(positionOf(log.leaf(leaf)), size,
        log.root(size).bytes()));
  }

  /** The log's point now (see {@link LogPoint}). */
  public synchronized LogPoint logPoint() {
    long size = log.size();
    return new LogPoint(loggedUpTo, size, log.root(size).bytes());
  }

  /** The index of the last ledger-event leaf below {@code size}, or -1. */
  static long lastEventLeaf(TiledLog log, long size) {
    for (long i = size - 1; i >= 0; i--) {
      if (EVENT_LEAF.equals(leafJson(log.leaf(i)).path("type").asText())) {
        return i;
      }
    }
    return -1;
  }

  /** The ledger position an event leaf records. */
  static long leafPosition(byte[] leaf) {
    return positionOf(leaf);
  }

  /**
   * True when the stored event is the one the leaf logged (personal fields compared no further
   * than their presence, as at start-up: a salt may have been erased).
   */
  static boolean sameEvent(StoredEvent e, byte[] leaf) {
    JsonNode logged = leafJson(leaf);
    return logged.path("position").asLong() == e.position()
        && logged.path("event") instanceof ObjectNode o
        && impersonal(EventCodec.toJson(e.event())).equals(impersonal(o));
  }

  /**
   * For each full entry bundle b indexed so far, the last ledger position logged in bundles 0 to
   * b (0 when none): {@link #leafIndexOf} reads one bundle instead of searching leaf by leaf.
   * Built lazily, one read of each full bundle's tail, and extended as the log grows.
   */
  private long[] lastPositionUpTo = new long[0];

  /**
   * The index of the log entry that records the ledger event at {@code position}, or empty when
   * it is not logged (yet): log entries and ledger positions are different numbers, since the
   * log also holds decision summaries and receipts.
   */
  public synchronized OptionalLong leafIndexOf(long position) {
    if (position < 1 || position > loggedUpTo) {
      return OptionalLong.empty();
    }
    int w = org.covenant.log.TilePaths.TILE_WIDTH;
    long size = log.size();
    int full = (int) (size / w);
    if (lastPositionUpTo.length < full) {
      long[] grown = java.util.Arrays.copyOf(lastPositionUpTo, full);
      long last = lastPositionUpTo.length == 0 ? 0 : lastPositionUpTo[lastPositionUpTo.length - 1];
      for (int b = lastPositionUpTo.length; b < full; b++) {
        List<byte[]> leaves = log.bundle(b);
        for (int i = leaves.size() - 1; i >= 0; i--) {
          JsonNode leaf = leafJson(leaves.get(i));
          if (EVENT_LEAF.equals(leaf.path("type").asText())) {
            last = leaf.path("position").asLong();
            break;
          }
        }
        grown[b] = last;
      }
      lastPositionUpTo = grown;
    }
    int lo = 0;
    int hi = full;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (lastPositionUpTo[mid] >= position) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    if (lo == full && size % w == 0) {
      return OptionalLong.empty();
    }
    List<byte[]> leaves = log.bundle(lo);
    for (int i = 0; i < leaves.size(); i++) {
      JsonNode leaf = leafJson(leaves.get(i));
      if (EVENT_LEAF.equals(leaf.path("type").asText())
          && leaf.path("position").asLong() == position) {
        return OptionalLong.of((long) lo * w + i);
      }
    }
    return OptionalLong.empty();
  }

  /** The last ledger position in the log. */
  public synchronized long loggedUpTo() {
    return loggedUpTo;
  }

  /** Appends the leaves of every ledger event not yet logged. */
  public synchronized void catchUp() {
    while (true) {
      Optional<Page> page = leavesAfter(loggedUpTo);
      if (page.isEmpty()) {
        return;
      }
      log.append(page.get().leaves());
      loggedUpTo = page.get().last();
      if (page.get().leaves().size() < PAGE) {
        return;
      }
    }
  }

  /**
   * The leaves of up to one page of ledger events, computed ahead of their log append
   * ({@link #leavesAfter}, then {@link #append}): the events after ledger position {@code after},
   * up to {@code last}.
   */
  public record Page(long after, long last, List<byte[]> leaves) {
    /** A page of at least one leaf. */
    public Page {
      leaves = List.copyOf(leaves);
    }

    /** Whether the page is full: more events may follow it. */
    public boolean full() {
      return leaves.size() == PAGE;
    }
  }

  /**
   * Guards the owners' memory of the leaves being computed ({@link #owners}): held by whoever
   * computes leaves ({@link #catchUp}, {@link #leavesAfter}, {@link #eventLeaf}), but not while
   * the log appends, so an import computes the next page's leaves while the log commits (and
   * fsyncs) the page before (issue 15). Taken after this feed's lock, never before it.
   */
  private final Object leafLock = new Object();

  /**
   * Computes the leaves of the ledger events after position {@code after} (one page at most),
   * without appending them; empty when there are none. New salts are durable when this returns:
   * before any leaf that uses them can be appended. Does not take this feed's lock, so it runs
   * beside an {@link #append} of the page before.
   */
  public Optional<Page> leavesAfter(long after) {
    synchronized (leafLock) {
      List<StoredEvent> page = ledger.events(after, PAGE);
      if (page.isEmpty()) {
        return Optional.empty();
      }
      Snapshot owners = owners();
      List<byte[]> leaves = pseudonyms.batch(() -> {
        List<byte[]> out = new ArrayList<>(page.size());
        for (StoredEvent e : page) {
          out.add(eventLeaf(e, owners));
        }
        return out;
      });
      return Optional.of(new Page(after, page.get(page.size() - 1).position(), leaves));
    }
  }

  /**
   * Appends a page computed by {@link #leavesAfter} when it starts where the log stands (its
   * {@code after} is {@link #loggedUpTo}); otherwise appends nothing and returns false (the
   * events were logged meanwhile, or a page before it was not): the log never holds an event
   * twice or out of order.
   *
   * @throws LogException as {@link TiledLog#append} throws; nothing of the page is logged then
   */
  public synchronized boolean append(Page page) {
    if (page.after() != loggedUpTo) {
      return false;
    }
    log.append(page.leaves());
    loggedUpTo = page.last();
    return true;
  }

  private static ObjectNode impersonal(ObjectNode event) {
    ObjectNode copy = event.deepCopy();
    for (String f : PERSONAL) {
      if (copy.has(f)) {
        copy.put(f, "");
      }
    }
    // Leaves written before issue 18 hold a user scope in clear, later ones pseudonymized.
    JsonNode scope = copy.get("scope");
    if (scope != null && scope.isTextual() && scope.asText().startsWith(USER_SCOPE)) {
      copy.put("scope", USER_SCOPE);
    }
    return copy;
  }

  /**
   * The account an event belongs to (the tenant whose people it names), by one rule for the log's
   * salts and for a data subject's facts ({@code SubjectFacts}): its {@code account}, except for
   * {@code participant.joined}, whose {@code account} is the participant's (they may be a guest of
   * another account), which belongs with the rest of a meeting's events to the meeting's account;
   * a content item's events to the item's account. Empty when the meeting or item is unknown.
   */
  public static Optional<String> ownerOf(JsonNode event,
      Function<String, Optional<String>> meetingAccount,
      Function<String, Optional<String>> contentAccount) {
    return ownerOf(named(event), meetingAccount, contentAccount);
  }

  /** The fields {@link #ownerOf} reads ({@link Named}), each null unless a string. */
  private static String[] named(JsonNode event) {
    String[] named = new String[Named.COUNT];
    named[Named.TYPE] = event.path("type").asText();
    for (int f = Named.ACCOUNT; f < Named.COUNT; f++) {
      JsonNode v = event.get(Named.FIELDS[f]);
      named[f] = v != null && v.isTextual() ? v.asText() : null;
    }
    return named;
  }

  /** The fields an event's owner is found by, by index into a {@code String[]}. */
  private static final class Named {
    static final int TYPE = 0;
    static final int ACCOUNT = 1;
    static final int MEETING = 2;
    static final int CONTENT = 3;
    static final int COUNT = 4;
    static final String[] FIELDS = {"type", "account", "meeting", "content"};

    /** The named fields of a record, straight from its string fields (no tree per leaf). */
    static String[] of(Event event) {
      String[] named = new String[COUNT];
      org.covenant.format.EventJson.strings(event, (field, value) -> {
        switch (field) {
          case "type" -> named[TYPE] = value;
          case "account" -> named[ACCOUNT] = value;
          case "meeting" -> named[MEETING] = value;
          case "content" -> named[CONTENT] = value;
          default -> { }
        }
        return value;
      });
      return named;
    }
  }

  /** {@link #ownerOf(JsonNode, Function, Function)} on the {@link Named} fields. */
  private static Optional<String> ownerOf(String[] named,
      Function<String, Optional<String>> meetingAccount,
      Function<String, Optional<String>> contentAccount) {
    String type = named[Named.TYPE];
    if (named[Named.ACCOUNT] != null && !type.equals("participant.joined")) {
      return Optional.of(named[Named.ACCOUNT]);
    }
    if (named[Named.MEETING] != null) {
      return meetingAccount.apply(named[Named.MEETING]);
    }
    if (named[Named.CONTENT] != null) {
      return contentAccount.apply(named[Named.CONTENT]);
    }
    return Optional.empty();
  }

  /**
   * The accounts of meetings and content items for the leaves of one page: the ledger's
   * projection knows those up to its head; the feed may read events past it (another process's
   * appends), whose meetings and items it remembers here until the projection has them.
   */
  private final Map<String, String> recentMeetings = new HashMap<>();
  private final Map<String, String> recentContent = new HashMap<>();
  private final java.util.TreeMap<Long, List<String[]>> recentAt = new java.util.TreeMap<>();

  /** The ledger's projection now, forgetting what it has caught up with of the remembered. */
  private Snapshot owners() {
    Snapshot snap = ledger.snapshot();
    var known = recentAt.headMap(snap.position(), true);
    for (List<String[]> made : known.values()) {
      for (String[] m : made) {
        (m[0].equals("meeting") ? recentMeetings : recentContent).remove(m[1]);
      }
    }
    known.clear();
    return snap;
  }

  private Optional<String> ownerOf(StoredEvent e, String[] event, Snapshot snap) {
    String type = event[Named.TYPE];
    if (e.position() > snap.position()
        && (type.equals("meeting.started") || type.equals("content.created"))) {
      boolean meeting = type.equals("meeting.started");
      // As JsonNode.path(f).asText() read them from the tree: "" when absent.
      String id = Objects.requireNonNullElse(event[meeting ? Named.MEETING : Named.CONTENT], "");
      (meeting ? recentMeetings : recentContent).put(id,
          Objects.requireNonNullElse(event[Named.ACCOUNT], ""));
      recentAt.computeIfAbsent(e.position(), k -> new ArrayList<>())
          .add(new String[] {meeting ? "meeting" : "content", id});
    }
    Optional<String> owner = lookUp(event, snap);
    if (owner.isEmpty() && e.position() > snap.position()) {
      // A meeting or item another process created, which the previous writer logged and this
      // process's projection has not applied yet: bring the projection up and look again.
      ledger.refresh();
      owner = lookUp(event, ledger.snapshot());
    }
    return owner;
  }

  private Optional<String> lookUp(String[] event, Snapshot snap) {
    // Last, the ledger's own routing: a sharded member (docs/CLUSTER.md) projects only the
    // accounts it owns and finds another account's meeting or item in the registry of ids.
    return ownerOf(event,
        m -> Optional.ofNullable(recentMeetings.get(m))
            .or(() -> snap.meetingOf(m).map(Snapshot.MeetingEntry::account))
            .or(() -> ledger.accountOfMeeting(m)),
        c -> Optional.ofNullable(recentContent.get(c))
            .or(() -> snap.content(c, Long.MAX_VALUE).map(r -> r.account()))
            .or(() -> ledger.accountOfContent(c)));
  }

  /** The canonical leaf of a ledger event, personal fields pseudonymized. */
  public synchronized byte[] eventLeaf(StoredEvent e) {
    synchronized (leafLock) {
      return eventLeaf(e, owners());
    }
  }

  /**
   * The text of the leaf being written, reused from leaf to leaf (guarded by {@link #leafLock}):
   * a fresh builder per leaf, too small for most and grown once, was a third of the bytes an
   * import's leaf thread allocated (issue 15).
   */
  private StringBuilder leafText = new StringBuilder(1024);

  /**
   * The leaf written straight from the record (EventJson): RFC 8785 orders its members event,
   * position, type. The same bytes as {@link #eventLeafFromTree} (pinned by DataDirectoryTest).
   */
  private byte[] eventLeaf(StoredEvent e, Snapshot owners) {
    String account = ownerOf(e, Named.of(e.event()), owners).orElse("");
    StringBuilder out = leafText;
    out.setLength(0);
    out.append("{\"event\":");
    org.covenant.format.EventJson.canonical(e.event(), (field, value) -> {
      if (PERSONAL.contains(field)) {
        return pseudonyms.of(account, value);
      }
      if (field.equals("scope") && value.startsWith(USER_SCOPE)) {
        return USER_SCOPE + pseudonyms.of(account, value.substring(USER_SCOPE.length()));
      }
      return value;
    }, out);
    out.append(",\"position\":").append(e.position()).append(",\"type\":\"")
        .append(EVENT_LEAF).append("\"}");
    byte[] leaf = out.toString().getBytes(StandardCharsets.UTF_8);
    if (leaf.length != out.length()) {
      // A char beyond ASCII: the builder may now hold two bytes a char, and would keep them for
      // every leaf after; the next leaf starts in a fresh one.
      leafText = new StringBuilder(1024);
    }
    return leaf;
  }

  /** {@link #eventLeaf} through a tree: the general path, kept for the test that pins both. */
  synchronized byte[] eventLeafFromTree(StoredEvent e) {
    synchronized (leafLock) {
      return eventLeafFromTree(e, owners());
    }
  }

  private byte[] eventLeafFromTree(StoredEvent e, Snapshot owners) {
    ObjectNode event = EventCodec.toJson(e.event());
    // Salts are per account (docs/DECISIONS.md, "Salts per account"); an event whose account
    // is unknown (none in a valid ledger) names its people under the account "".
    String account = ownerOf(e, named(event), owners).orElse("");
    for (String f : PERSONAL) {
      JsonNode v = event.get(f);
      if (v != null && v.isTextual()) {
        event.put(f, pseudonyms.of(account, v.asText()));
      }
    }
    JsonNode scope = event.get("scope");
    if (scope != null && scope.isTextual() && scope.asText().startsWith(USER_SCOPE)) {
      event.put("scope", USER_SCOPE
          + pseudonyms.of(account, scope.asText().substring(USER_SCOPE.length())));
    }
    ObjectNode leaf = Json.object();
    leaf.put("type", EVENT_LEAF);
    leaf.put("position", e.position());
    leaf.set("event", event);
    return CanonicalJson.canonicalize(leaf);
  }

  /**
   * Erases a person from the log (a data subject's erasure, docs/DATA-RIGHTS-DSR.md): every ledger
   * event is logged first, under the salt in force, then the salt is forgotten, so the person's
   * leaves stay in the tree (every proof still verifies) but nobody can link them to the person.
   * A later leaf naming the same id gets a fresh salt, unlinkable to the erased one.
   *
   * Only the person of {@code account} is erased: the same id in another account is another
   * person, with their own salt.
   *
   * @return whether the person had a salt
   */
  public synchronized boolean erase(String account, String person) {
    catchUp();
    return pseudonyms.erase(account, person);
  }

  /**
   * Logs a bulk job's one leaf ({@link JobLeaves}) queued by a CLI for the cluster's log writer
   * (docs/CLUSTER.md, "Job leaves"): the checkpoint before it, its index, and the checkpoint that
   * commits it, read under this feed's lock so no other leaf comes in between.
   */
  public synchronized DataDirectory.Appended appendJobLeaf(byte[] leaf) {
    String before = log.checkpoint().note();
    long index = log.append(List.of(leaf));
    return new DataDirectory.Appended(index, before, log.checkpoint().note());
  }

  /**
   * Logs one decision-log flush as a leaf: when, how many decisions, over how many counters, and
   * the ledger head they were made against.
   */
  public synchronized void decisions(Instant at, long decisions, int counters) {
    ObjectNode leaf = Json.object();
    leaf.put("type", DECISIONS_LEAF);
    leaf.put("at", at.toString());
    leaf.put("decisions", decisions);
    leaf.put("counters", counters);
    leaf.put("ledger_head", ledger.head());
    log.append(List.of(CanonicalJson.canonicalize(leaf)));
  }

  /**
   * The signed receipt of the consent event at {@code position}: the ledger up to it is logged
   * first, then the receipt is logged and returned with its inclusion proof. Empty when the
   * position holds no consent event.
   *
   * @param idPrefix the receipt id's prefix, e.g. {@code rcpt-main-} (then the position)
   * @param currentTerms the terms an account has accepted last ({@code none} when none)
   */
  public synchronized Optional<ObjectNode> receipt(long position, String idPrefix,
      Function<String, String> currentTerms) {
    catchUp();
    List<StoredEvent> one = ledger.events(position - 1, 1);
    if (one.isEmpty() || one.get(0).position() != position) {
      return Optional.empty();
    }
    Event e = one.get(0).event();
    String account;
    String consent;
    String by;
    ConsentState state;
    Instant at = e.at();
    if (e instanceof Event.ConsentGranted g) {
      account = g.account();
      consent = g.consent();
      by = g.by();
      state = ConsentState.GRANTED;
    } else if (e instanceof Event.ConsentWithdrawn w) {
      account = w.account();
      consent = w.consent();
      by = w.by();
      state = ConsentState.WITHDRAWN;
    } else {
      return Optional.empty();
    }
    String terms = currentTerms.apply(account);
    ConsentReceipt body = new ConsentReceipt(idPrefix + position, account,
        consent, state, terms, "covenant-notice/1", at, pseudonyms.of(account, by), "covenant platform");
    // The receipt exactly as signed: `covenant receipt verify` reads it strictly.
    return Optional.of(receipts.issue(body).toJson());
  }
}
