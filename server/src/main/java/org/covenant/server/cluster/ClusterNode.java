package org.covenant.server.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.covenant.evidence.FeedStages;
import org.covenant.evidence.LedgerFeed;
import org.covenant.evidence.Pseudonyms;
import org.covenant.format.Json;
import org.covenant.log.LogException;
import org.covenant.log.NoteSigner;
import org.covenant.log.NoteVerifier;
import org.covenant.log.TiledLog;
import org.covenant.server.ClusterView;
import org.covenant.server.Namespace;
import org.covenant.server.Routing;
import org.covenant.server.auth.TokenStore;

/**
 * One member of a cluster of servers over one PostgreSQL (docs/CLUSTER.md). Two background
 * threads:
 * <ul>
 *   <li>the <em>heartbeat</em> (every {@code tick}): renews the member's row, and the log lease
 *       while it holds it; a failed renewal marks the lease lost;
 *   <li>the <em>worker</em> (every {@code tick}): a member without the lease follows the stored
 *       log ({@link TiledLog#refresh()}) and, when it has the signing key, tries to take the
 *       lease; the holder feeds the log from the ledger, issues requested consent receipts and
 *       logs decision-log summaries. It learns it lost the lease from the database, never from its
 *       own clock: a commit refused by the fence, or a failed renewal, drops the role.
 * </ul>
 * A new writer reloads the stored tree and continues it: the feed finds the last logged ledger
 * position in the log's own leaves, so nothing is skipped or repeated, and every commit extends
 * the stored head or is refused.
 *
 * <p>A third task, the <em>owner</em> (every {@code tick}), reads the live members and, when
 * they changed, recomputes which accounts this member owns (rendezvous hashing), reshards its
 * {@link Shard} and catches its projection up with the ledger's head before it answers for the
 * accounts it gained (docs/CLUSTER.md, "Moves"). The member {@link Routing routes} requests
 * with that view.
 */
public final class ClusterNode implements ClusterView, Routing {
  private static final System.Logger LOG = System.getLogger(ClusterNode.class.getName());
  /** The lease that names the log's writer. */
  public static final String LOG_LEASE = "log";
  private static final Duration RECEIPT_WAIT = Duration.ofSeconds(3);

  /**
   * The live members that own accounts, as this member last read them, and the view before
   * (null at start).
   */
  private record View(List<Members.Member> all, List<Members.Member> owners, View before) {
    static View of(List<Members.Member> all, View before) {
      return new View(List.copyOf(all), all.stream().filter(m -> m.live() && m.owns()).toList(),
          before == null ? null : new View(before.all(), before.owners(), null));
    }

    String ownerId(String account) {
      return Members.owner(owners, account).map(Members.Member::id).orElse("");
    }

    boolean sameOwners(View o) {
      return o != null && key(owners).equals(key(o.owners));
    }

    private static List<String> key(List<Members.Member> ms) {
      return ms.stream().map(m -> m.id() + " " + m.url()).sorted().toList();
    }
  }

  /** Timing: lease and heartbeat lifetimes and the period of both threads. */
  public record Timing(Duration lease, Duration heartbeat, Duration tick) {
    /** 3 s leases and heartbeats, 200 ms ticks. */
    public static Timing defaults() {
      return new Timing(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofMillis(200));
    }
  }

  private final String id;
  private final ClusterDb db;
  private final Lease lease;
  private final Members members;
  private final Timing timing;
  private final Optional<NoteSigner> signer;
  /** Null until a writer has created the log, for a member without the key. */
  private volatile TiledLog log;
  private final Namespace main;
  private final TokenStore tokens;
  private final ScheduledExecutorService threads;
  private volatile String url = "";
  private volatile long heldEpoch;
  private volatile boolean lost;
  private volatile LedgerFeed feed;
  /** The log's catch-up in two stages over {@link #feed} ({@link #stagesOf}). */
  private volatile FeedStages stages;
  private final AtomicLong fenced = new AtomicLong();
  /** Times this member stopped writing on a refused renewal, no commit of its refused. */
  private final AtomicLong stoodDown = new AtomicLong();
  private final AtomicLong takeovers = new AtomicLong();
  private volatile long lastTokenReload;
  private Shard shard = Shard.full(m -> Optional.empty(), c -> Optional.empty());
  private java.util.function.Supplier<List<String>> accounts = List::of;
  private boolean owns = true;
  /** The current view of the members; null before the first read. */
  private volatile View view;
  /** The view whose move is in progress (accounts gained are not answered yet), or null. */
  private volatile View moving;
  private final AtomicLong moves = new AtomicLong();
  private volatile long lastMoveMillis = -1;
  private final Map<Routing.Counter, AtomicLong> counters = new EnumMap<>(Routing.Counter.class);
  /**
   * Held by a read of the members and the move it starts (a move holds it while it reads the
   * accounts gained: 78-85 s for a leaving member's share at 10M events). Requests only try it.
   */
  private final java.util.concurrent.locks.ReentrantLock ownerLock =
      new java.util.concurrent.locks.ReentrantLock();
  private final Object catchUpLock = new Object();
  private long lastCatchUp = System.nanoTime();
  private long lastRead;
  /** Member checkpoints (docs/CLUSTER.md, "Member checkpoints in the server"); null: none. */
  private org.covenant.store.CheckpointStore checkpointStore;
  private org.covenant.evidence.ProjectionCheckpoints.Policy checkpointPolicy;
  private volatile org.covenant.evidence.ProjectionCheckpoints checkpointWriter;
  private String startedFrom;
  private boolean startedFromOwn;
  private long openMillis = -1;
  private AutoCloseable identity = () -> { };

  private ClusterNode(String id, ClusterDb db, Timing timing, Optional<NoteSigner> signer,
      TiledLog log, Namespace main, TokenStore tokens) {
    for (Routing.Counter c : Routing.Counter.values()) {
      counters.put(c, new AtomicLong());
    }
    this.id = id;
    this.db = db;
    this.lease = new Lease(db, LOG_LEASE, timing.lease());
    this.members = new Members(db, timing.heartbeat());
    this.timing = timing;
    this.signer = signer;
    this.log = log;
    this.main = main;
    this.tokens = tokens;
    this.threads = Executors.newScheduledThreadPool(3, r -> {
      Thread t = new Thread(r, "covenant-cluster");
      t.setDaemon(true);
      return t;
    });
  }

  /** A fresh member id: {@code m-} and 12 hex digits. */
  public static String newId() {
    return "m-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /**
   * Opens the shared log and a member over it. With {@code signer} the member may be elected
   * writer (the log is created when absent); without, it waits up to {@code wait} for a writer to
   * have created the log and serves it read-only. When none has, the member starts without the
   * log (serving the ledger and decisions; the log routes answer 503 {@code log_unavailable},
   * {@code /readyz} and {@code /v1/cluster} say {@code no writer yet}) and opens it as soon as a
   * writer has stored the log's key.
   *
   * @throws LogException {@code checkpoint_unverified} when the stored log is signed by another
   *     key
   */
  public static ClusterNode open(String id, ClusterDb db, Timing timing,
      Optional<NoteSigner> signer, Namespace main, TokenStore tokens, Duration wait) {
    ClusterNode[] self = new ClusterNode[1];
    TiledLog log;
    if (signer.isPresent()) {
      PgLogStorage storage = new PgLogStorage(db, LOG_LEASE, () -> self[0] == null ? 0
          : self[0].heldEpoch, signer.get().verifier().keyText(), () -> { });
      log = TiledLog.open(storage, signer.get());
    } else {
      long end = System.nanoTime() + wait.toNanos();
      Optional<String> key = PgLogStorage.storedKey(db);
      while (key.isEmpty() && System.nanoTime() < end) {
        sleep(200);
        key = PgLogStorage.storedKey(db);
      }
      log = key.map(k -> readOnly(db, k)).orElse(null);
      if (log == null) {
        System.err.println("covenant: no member with --log-key has created the log in "
            + db.table("log_head") + " yet: serving without it until one does");
      }
    }
    ClusterNode node = new ClusterNode(id, db, timing, signer, log, main, tokens);
    self[0] = node;
    return node;
  }

  /**
   * Shards this member's projection with {@code shard}, counting owned accounts among {@code
   * accounts}; with {@code owns} false the member owns no account and only forwards ({@code
   * serve --route-only}). Call before {@link #start}. Returns this.
   */
  public ClusterNode sharding(Shard s, java.util.function.Supplier<List<String>> accountIds,
      boolean ownsAccounts) {
    this.shard = s;
    this.accounts = accountIds;
    this.owns = ownsAccounts;
    return this;
  }

  /**
   * Writes this member's projection checkpoints into {@code store} as {@code policy} says, from
   * {@link #start} on (not for a {@code --route-only} member, whose projection is the index
   * alone), and at a clean shutdown before the member leaves; records how the projection was
   * opened ({@code startedFrom}: the checkpoint it started from, if any, {@code startedFromOwn}
   * whether this member wrote it; {@code openMillis})
   * for {@code GET /v1/cluster}. {@code identity} (the member id's lock) is released at close.
   * Call before {@link #start}. Returns this.
   */
  public ClusterNode checkpoints(org.covenant.store.CheckpointStore store,
      org.covenant.evidence.ProjectionCheckpoints.Policy policy, Optional<String> startedFrom,
      boolean startedFromOwn, long openMillis, AutoCloseable identity) {
    this.startedFromOwn = startedFromOwn;
    this.checkpointStore = store;
    this.checkpointPolicy = policy;
    this.startedFrom = startedFrom.orElse(null);
    this.openMillis = openMillis;
    this.identity = identity;
    return this;
  }

  static TiledLog readOnly(ClusterDb db, String keyText) {
    NoteVerifier verifier = NoteVerifier.parse(keyText).orThrow();
    return TiledLog.openReadOnly(new PgLogStorage(db, LOG_LEASE, () -> 0, keyText, () -> { }),
        verifier);
  }

  /** The shared transparency log (served by every member); empty until a writer created it. */
  @Override
  public Optional<TiledLog> log() {
    return Optional.ofNullable(log);
  }

  @Override
  public Optional<String> logStatus() {
    return log == null ? Optional.of(NO_WRITER_YET) : Optional.empty();
  }

  /** What {@code /readyz} and {@code /v1/cluster} say of a log no writer has created yet. */
  public static final String NO_WRITER_YET = "no writer yet";

  /** A member without the key opens the log once a writer has stored its key. */
  private boolean logOpen() {
    if (log != null) {
      return true;
    }
    Optional<String> key = PgLogStorage.storedKey(db);
    if (key.isEmpty()) {
      return false;
    }
    log = readOnly(db, key.get());
    System.err.println("covenant: member " + id + " found the log (tree size " + log.size()
        + ")");
    return true;
  }

  /** This member's id. */
  public String id() {
    return id;
  }

  /**
   * Whether this member is among the owners of its current view (false after it saw itself
   * leave, its heartbeat lapsed, until it sees itself back): a checkpoint then holds only the
   * index and is not written ({@link MemberCheckpoints#points}).
   */
  boolean amongOwners() {
    View v = view;
    return v == null || v.owners().stream().anyMatch(m -> m.id().equals(id));
  }

  /** Starts heartbeats and the worker, announcing {@code url} as this member's address. */
  @Override
  public void started(String url) {
    start(url);
  }

  /** Starts heartbeats and the worker, announcing {@code url} as this member's address. */
  public ClusterNode start(String url) {
    this.url = url;
    beat();
    own();
    if (checkpointStore != null && owns) {
      // Opened from its own checkpoint and moved nothing since: that checkpoint is of this
      // share (shape 0). Else (none, another member's, or accounts moved) one of the share as
      // it is becomes due once it has settled.
      checkpointWriter = org.covenant.evidence.ProjectionCheckpoints.start(checkpointStore,
          MemberCheckpoints.points(() -> log, () -> feed, main, this::amongOwners),
          main.ledger(),
          checkpointPolicy, startedFromOwn ? 0 : -1);
    }
    long tick = timing.tick().toMillis();
    threads.scheduleWithFixedDelay(this::beat, tick, tick, TimeUnit.MILLISECONDS);
    threads.scheduleWithFixedDelay(this::work, 0, tick, TimeUnit.MILLISECONDS);
    threads.scheduleWithFixedDelay(this::ownQuietly, tick, tick, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Whether this member writes the log now. */
  public boolean writer() {
    return feed != null;
  }

  /** Commits of this member the fence refused. */
  public long fencedWrites() {
    return fenced.get();
  }

  /**
   * Times this member stopped writing the log because the database refused to renew its lease
   * (expired, or taken at a later epoch) while it had nothing left to commit (or its feed could
   * not be rebuilt after a failed write): it stood down with no write attempted, hence none
   * refused (docs/CLUSTER.md, "One log writer").
   */
  public long stoodDown() {
    return stoodDown.get();
  }

  private void beat() {
    try {
      members.heartbeat(id, url, signer.isPresent(), owns);
      long e = heldEpoch;
      if (e > 0 && !lost && !lease.renew(id, e)) {
        lost = true;
        LOG.log(System.Logger.Level.WARNING, "member " + id + " lost the log lease (epoch "
            + e + ")");
      }
      if (System.nanoTime() - lastTokenReload > 1_000_000_000L) {
        lastTokenReload = System.nanoTime();
        tokens.reload();
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cluster heartbeat failed: " + e.getMessage());
    }
  }

  private void work() {
    try {
      if (!logOpen()) {
        return;
      }
      if (feed == null) {
        follow();
      }
      LedgerFeed f = feed;
      if (f != null) {
        try {
          stagesOf(f).catchUp();
          issueRequestedReceipts(f);
          logSummaries(f);
          JobLeafQueue.logQueued(db, f);
          eraseRequestedSalts(f);
        } catch (LogException e) {
          if ("log_fenced".equals(e.code())) {
            fenced.incrementAndGet();
            System.err.println("covenant: member " + id + ": log write refused by the fence: "
                + e.getMessage());
            drop();
            return;
          }
          throw e;
        }
        if (lost) {
          standDown("nothing left to commit");
        }
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cluster worker: " + e.getMessage(), e);
      if (feed != null) {
        // A store failure, perhaps at the commit itself: learn what committed and rebuild the
        // feed from the stored log, keeping the lease; the fence decides whether it still may
        // write. If even that fails, stop writing.
        try {
          log.refresh();
          feed = newFeed();
        } catch (RuntimeException x) {
          if (lost) {
            standDown("its feed could not be rebuilt after a failed write: " + x.getMessage());
          } else {
            drop();
          }
        }
      }
    }
  }

  /**
   * The log's catch-up in two stages over {@code f} (issue 15: one thread computes a page's
   * leaves while another appends the page before), made afresh when the feed was rebuilt. Only
   * the worker uses it, one run at a time.
   */
  private FeedStages stagesOf(LedgerFeed f) {
    FeedStages s = stages;
    if (s == null || s.feed() != f) {
      if (s != null) {
        s.close();
      }
      s = new FeedStages(f, "covenant-" + id + "-log");
      stages = s;
    }
    return s;
  }

  private LedgerFeed newFeed() {
    return LedgerFeed.create(log, signer.orElseThrow(), main.ledger(),
        Pseudonyms.over(PgBackings.salts(db, LOG_LEASE, () -> heldEpoch)));
  }

  /** Follows the stored log; with the key, takes the lease when it is free. */
  private void follow() {
    log.refresh();
    if (signer.isEmpty()) {
      return;
    }
    OptionalLong got = lease.acquire(id, url);
    if (got.isEmpty()) {
      return;
    }
    heldEpoch = got.getAsLong();
    lost = false;
    try {
      log.refresh();
      feed = newFeed();
      takeovers.incrementAndGet();
      System.err.println("covenant: member " + id + " writes the log (epoch " + heldEpoch
          + ", tree size " + log.size() + ")");
    } catch (RuntimeException e) {
      heldEpoch = 0;
      throw e;
    }
  }

  /**
   * Stops writing after the database refused to renew the lease, with no commit of this member's
   * refused: its feed had no leaf left to commit (every ledger event logged, by it or, once its
   * feed was rebuilt from the stored tree after a failed write, by the next writer), or could not
   * be rebuilt. Any commit it had tried would have been refused by the fence; this is the path of
   * a writer woken from a pause with no work left (docs/CLUSTER.md, "One log writer").
   */
  private void standDown(String why) {
    stoodDown.incrementAndGet();
    System.err.println("covenant: member " + id + ": stood down as the log's writer: the "
        + "database refused to renew its lease (epoch " + heldEpoch + "); " + why);
    drop();
  }

  private void drop() {
    feed = null;
    long e = heldEpoch;
    heldEpoch = 0;
    try {
      log.refresh();
    } catch (RuntimeException x) {
      LOG.log(System.Logger.Level.WARNING, "log refresh failed: " + x.getMessage());
    }
    LOG.log(System.Logger.Level.INFO, "member " + id + " stopped writing the log (epoch " + e
        + ")");
  }

  // ---- ownership and routing

  private void ownQuietly() {
    try {
      own();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cluster ownership: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the live members; when the owners changed, routes by the new view at once (accounts
   * lost are forwarded to their new owners), reshards the projection and reads the ledger up to
   * its current head, and only then answers for the accounts gained. Returns whether it moved.
   */
  private boolean own() {
    ownerLock.lock();
    try {
      View cur = view;
      View next = View.of(members.all(), cur);
      lastRead = System.nanoTime();
      if (next.sameOwners(cur) && moving == null) {
        view = new View(next.all(), cur.owners(), cur.before());
        return false;
      }
      if (moving != null && next.sameOwners(cur)) {
        // A move that failed half-way: redo it from the view it started from.
        next = new View(next.all(), next.owners(), moving.before());
      } else {
        moves.incrementAndGet();
      }
      long start = System.nanoTime();
      View target = next;
      moving = target;
      view = target;
      // A failure leaves the move in progress: the accounts gained stay unanswered, and the next
      // tick redoes it.
      // The accounts gained come from the members that left (rendezvous hashing moves a live
      // member's accounts only to a newcomer): their checkpoints may hold them.
      java.util.Set<String> departed = new java.util.HashSet<>();
      if (target.before() != null) {
        for (Members.Member m : target.before().owners()) {
          departed.add(m.id());
        }
        for (Members.Member m : target.owners()) {
          departed.remove(m.id());
        }
      }
      shard.reshard(a -> id.equals(target.ownerId(a)), departed);
      if (!main.refresh()) {
        throw new IllegalStateException("the ledger store is unreachable; the accounts gained "
            + "wait until it answers");
      }
      moving = null;
      lastMoveMillis = (System.nanoTime() - start) / 1_000_000;
      if (cur != null) {
        System.err.println("covenant: member " + id + ": owners now " + target.owners().stream()
            .map(Members.Member::id).toList() + " (moved in " + lastMoveMillis + " ms"
            + (departed.isEmpty() ? "" : ", left: " + new java.util.TreeSet<>(departed))
            + shard.lastMove().map(m -> "; " + m).orElse("") + ")");
      }
      return true;
    } finally {
      ownerLock.unlock();
    }
  }

  @Override
  public String self() {
    return id;
  }

  @Override
  public Routing.Place place(String account) {
    View v = view;
    if (v == null) {
      return new Routing.Nowhere("this member has not read the cluster's members yet");
    }
    Optional<Members.Member> m = Members.owner(v.owners(), account);
    if (m.isEmpty()) {
      return new Routing.Nowhere("no live member owns accounts");
    }
    return m.get().id().equals(id) ? new Routing.Local()
        : new Routing.Remote(m.get().id(), m.get().url());
  }

  @Override
  public Routing.Place placeNamespace(String namespace) {
    int dot = namespace.lastIndexOf('.');
    String host = dot < 0 ? id : namespace.substring(dot + 1);
    if (host.equals(id)) {
      return new Routing.Local();
    }
    View v = view;
    for (Members.Member m : v == null ? List.<Members.Member>of() : v.all()) {
      if (m.id().equals(host) && m.live()) {
        return new Routing.Remote(m.id(), m.url());
      }
    }
    return new Routing.Nowhere("member `" + host + "`, which held the namespace in memory, is "
        + "not live");
  }

  @Override
  public Routing.Place placeNewNamespace() {
    return place(UUID.randomUUID().toString());
  }

  @Override
  public String namespaceSuffix() {
    return "." + id;
  }

  /**
   * Re-reads the members, at most once per half tick whoever asks: when an owner fails, every
   * request for its accounts asks, and one read answers them all.
   */
  @Override
  public boolean refresh() {
    // A request never waits for a move, nor makes one: a move that runs holds the lock for as
    // long as it reads the accounts gained, and its view (set when it starts) is already the
    // newest read, so the request routes by it (an account gained waits its bound or fails
    // closed, docs/CLUSTER.md). Before, a request after a failed forward waited for the whole
    // move, or ran it itself when it was the first to see the members change: 30 s and more for
    // one decision while a member's share moved at 10M events.
    if (!ownerLock.tryLock()) {
      return false;
    }
    View before;
    try {
      if (System.nanoTime() - lastRead < timing.tick().toNanos() / 2) {
        return false;
      }
      View cur = view;
      View next = View.of(members.all(), cur);
      lastRead = System.nanoTime();
      if (next.sameOwners(cur) && moving == null) {
        view = new View(next.all(), cur.owners(), cur.before());
        return false;
      }
      before = cur;
    } finally {
      ownerLock.unlock();
    }
    // The owners changed: the move runs on the cluster's threads; route by its view as soon as
    // it has started (within a few milliseconds), for at most a tick.
    try {
      threads.execute(this::ownQuietly);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      return false;
    }
    long end = System.nanoTime() + timing.tick().toNanos();
    while (view == before && System.nanoTime() < end) {
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return view != before;
  }

  @Override
  public boolean awaitReady(String account, Duration bound) {
    long end = System.nanoTime() + bound.toNanos();
    while (true) {
      if (!(place(account) instanceof Routing.Local)) {
        return false;
      }
      View m = moving;
      boolean gaining = m != null && (m.before() == null
          || !id.equals(m.before().ownerId(account)));
      if (!gaining && shard.ready(account)) {
        return true;
      }
      if (System.nanoTime() >= end) {
        return false;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  @Override
  public void catchUp() {
    catchUp(System.nanoTime());
  }

  @Override
  public boolean projects(String account) {
    return shard.ready(account);
  }

  /**
   * The meeting's account; a meeting this member does not know yet (written through another
   * member a moment ago) is looked up again after reading the ledger to its head, so a
   * meeting is never "unknown" from stale state.
   */
  @Override
  public Optional<String> accountOfMeeting(String meeting) {
    Optional<String> a = shard.accountOfMeeting(meeting);
    if (a.isPresent()) {
      return a;
    }
    catchUp(System.nanoTime());
    return shard.accountOfMeeting(meeting);
  }

  /** The content's account, looked up again after reading the ledger to its head if unknown. */
  @Override
  public Optional<String> accountOfContent(String content) {
    Optional<String> a = shard.accountOfContent(content);
    if (a.isPresent()) {
      return a;
    }
    catchUp(System.nanoTime());
    return shard.accountOfContent(content);
  }

  /**
   * Reads the ledger to its head unless a read that began after {@code since} already did;
   * concurrent callers share one read.
   */
  private void catchUp(long since) {
    synchronized (catchUpLock) {
      if (lastCatchUp - since >= 0) {
        return;
      }
      lastCatchUp = System.nanoTime();
      main.refresh();
    }
  }

  @Override
  public void count(Routing.Counter c) {
    counters.get(c).incrementAndGet();
  }

  @Override
  public Optional<Routing> routing() {
    return Optional.of(this);
  }

  // ---- consent receipts

  @Override
  public Optional<ObjectNode> receipt(Namespace ns, long position) {
    if (ns != main) {
      return Optional.empty();
    }
    Optional<ObjectNode> stored = stored(ns, position);
    if (stored.isPresent()) {
      return stored;
    }
    LedgerFeed f = feed;
    if (f != null) {
      Optional<ObjectNode> issued = issue(f, position);
      if (issued.isPresent()) {
        return stored(ns, position);
      }
      return issued;
    }
    db.run("request a receipt", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO "
          + db.table("consent_receipt") + " (ns, position, requested) VALUES (?, ?, "
          + "clock_timestamp()) ON CONFLICT DO NOTHING")) {
        ps.setString(1, main.id());
        ps.setLong(2, position);
        return ps.executeUpdate();
      }
    });
    long end = System.nanoTime() + RECEIPT_WAIT.toNanos();
    while (System.nanoTime() < end) {
      sleep(50);
      stored = stored(ns, position);
      if (stored.isPresent()) {
        return stored;
      }
    }
    throw new IllegalStateException("no log writer issued the receipt of position " + position
        + " within " + RECEIPT_WAIT.toSeconds() + " s; it is issued when one is elected");
  }

  @Override
  public Optional<ObjectNode> stored(Namespace ns, long position) {
    if (ns != main) {
      return Optional.empty();
    }
    return db.run("read a receipt", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT receipt FROM "
          + db.table("consent_receipt") + " WHERE ns = ? AND position = ? AND receipt IS NOT "
          + "NULL AND receipt <> '{}'")) {
        ps.setString(1, main.id());
        ps.setLong(2, position);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of((ObjectNode) Json.parse(rs.getString(1)))
              : Optional.<ObjectNode>empty();
        }
      }
    });
  }

  /** Issues and stores the receipt of {@code position} (writer only); empty when no consent. */
  private Optional<ObjectNode> issue(LedgerFeed f, long position) {
    Optional<ObjectNode> r = f.receipt(position, "rcpt-" + main.id() + "-", account -> main
        .directory().account(account)
        .flatMap(org.covenant.server.Directory.AccountInfo::currentTerms)
        .orElse("none"));
    String text = r.map(Json::line).orElse(null);
    db.run("store a receipt", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO "
          + db.table("consent_receipt") + " AS r (ns, position, receipt, requested) VALUES "
          + "(?, ?, ?, clock_timestamp()) ON CONFLICT (ns, position) DO UPDATE SET receipt = "
          + "excluded.receipt WHERE r.receipt IS NULL")) {
        ps.setString(1, main.id());
        ps.setLong(2, position);
        // No consent event there: an empty document, so the request is not retried forever.
        ps.setString(3, text == null ? "{}" : text);
        return ps.executeUpdate();
      }
    });
    return r;
  }

  private void issueRequestedReceipts(LedgerFeed f) {
    List<Long> pending = db.run("list requested receipts", c -> {
      List<Long> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT position FROM "
          + db.table("consent_receipt") + " WHERE ns = ? AND receipt IS NULL ORDER BY position "
          + "LIMIT 100")) {
        ps.setString(1, main.id());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getLong(1));
          }
        }
      }
      return out;
    });
    for (long p : pending) {
      issue(f, p);
    }
  }

  /**
   * Logs the summaries of every member's decision-log flushes. A summary is marked logged after
   * its leaf commits: a writer that dies in between leaves it to be logged again by the next.
   */
  private void logSummaries(LedgerFeed f) {
    record Summary(long id, Instant at, long decisions, int counters) {}
    List<Summary> pending = db.run("list decision summaries", c -> {
      List<Summary> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, at, decisions, counters FROM "
          + db.table("decision_summary") + " WHERE NOT logged ORDER BY id LIMIT 100");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Summary(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getLong(3),
              rs.getInt(4)));
        }
      }
      return out;
    });
    for (Summary s : pending) {
      f.decisions(s.at(), s.decisions(), s.counters());
      db.run("mark a summary logged", c -> {
        try (PreparedStatement ps = c.prepareStatement("UPDATE "
            + db.table("decision_summary") + " SET logged = TRUE WHERE id = ?")) {
          ps.setLong(1, s.id());
          return ps.executeUpdate();
        }
      });
    }
  }

  // ---- data subject requests (docs/CLUSTER.md, "Data subject requests")

  /** How long a data subject request waits for the log's writer (to catch up, to erase). */
  private static final Duration WRITER_WAIT = Duration.ofSeconds(10);

  /**
   * The log's writer as data subject requests need it: this member's feed when it writes the
   * log; otherwise the stored log followed until it has caught up with the ledger, and a salt's
   * erasure queued in {@code salt_erasure} for the writer, which only it may do (its salts are in
   * its memory), waited for up to 10 s. An erasure no writer takes in time stays queued and is
   * done by the next writer; the answer then says the salt was not (yet) erased.
   */
  public org.covenant.evidence.dsr.SubjectLog subjectLog() {
    return new org.covenant.evidence.dsr.SubjectLog() {
      @Override
      public void catchUp() {
        long end = System.nanoTime() + WRITER_WAIT.toNanos();
        while (true) {
          LedgerFeed f = feed;
          if (f != null) {
            f.catchUp();
            return;
          }
          TiledLog l = log;
          if (l != null) {
            l.refresh();
            if (LedgerFeed.lastLoggedPosition(l) >= main.ledger().head()) {
              return;
            }
          }
          if (System.nanoTime() > end) {
            return; // the export answers log_behind: retry
          }
          sleep(100);
        }
      }

      @Override
      public boolean erase(String account, String subject) {
        long row = db.run("queue a salt erasure", c -> {
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO "
              + db.table("salt_erasure") + " (account, person, requested) VALUES (?, ?, "
              + "clock_timestamp()) RETURNING id")) {
            ps.setString(1, account);
            ps.setString(2, subject);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
        long end = System.nanoTime() + WRITER_WAIT.toNanos();
        boolean fencedHere = false;
        while (System.nanoTime() < end) {
          LedgerFeed f = feed;
          if (f != null && !fencedHere) {
            try {
              eraseRequestedSalts(f);
            } catch (LogException e) {
              if (!"log_fenced".equals(e.code())) {
                throw e;
              }
              // This member lost the log's lease: the erasure stays queued for the writer that
              // holds it now (its tick drops this member's feed); wait for that one's answer.
              fencedHere = true;
            }
          }
          Optional<Boolean> done = db.run("read a salt erasure", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT erased FROM "
                + db.table("salt_erasure") + " WHERE id = ?")) {
              ps.setLong(1, row);
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                boolean v = rs.getBoolean(1);
                return rs.wasNull() ? Optional.<Boolean>empty() : Optional.of(v);
              }
            }
          });
          if (done.isPresent()) {
            return done.get();
          }
          sleep(50);
        }
        return false;
      }
    };
  }

  /** Erases the queued salts (writer only), after logging every ledger event. */
  private synchronized void eraseRequestedSalts(LedgerFeed f) {
    record Queued(long id, String account, String person) {}
    List<Queued> pending = db.run("list salt erasures", c -> {
      List<Queued> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, account, person FROM "
          + db.table("salt_erasure") + " WHERE erased IS NULL ORDER BY id LIMIT 100");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Queued(rs.getLong(1), rs.getString(2), rs.getString(3)));
        }
      }
      return out;
    });
    for (Queued q : pending) {
      boolean erased = f.erase(q.account(), q.person());
      db.run("mark a salt erasure done", c -> {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + db.table("salt_erasure")
            + " SET erased = ? WHERE id = ?")) {
          ps.setBoolean(1, erased);
          ps.setLong(2, q.id());
          return ps.executeUpdate();
        }
      });
    }
  }

  // ---- GET /v1/cluster

  @Override
  public ObjectNode describe(Optional<String> account) {
    List<Members.Member> all = members.all();
    Map<String, Integer> owned = new HashMap<>();
    View v = view;
    if (v != null) {
      for (String a : accounts.get()) {
        owned.merge(v.ownerId(a), 1, Integer::sum);
      }
    }
    ObjectNode o = Json.object();
    o.put("mode", "cluster");
    o.put("self", id);
    ArrayNode ms = o.putArray("members");
    for (Members.Member m : all) {
      ObjectNode x = ms.addObject();
      x.put("id", m.id());
      x.put("url", m.url());
      x.put("live", m.live());
      x.put("log_key", m.logKey());
      x.put("owns", m.owns());
      x.put("accounts", owned.getOrDefault(m.id(), 0));
      x.put("started", m.started().toString());
      x.put("heartbeat_expires_in_ms", m.expiresInMillis());
    }
    ArrayNode ls = o.putArray("leases");
    db.run("list leases", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT name, holder, holder_url, epoch, "
          + "(EXTRACT(EPOCH FROM (expires - clock_timestamp())) * 1000)::bigint, acquired FROM "
          + db.table("cluster_lease") + " ORDER BY name"); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ObjectNode x = ls.addObject();
          x.put("name", rs.getString(1));
          x.put("holder", rs.getString(2));
          x.put("holder_url", rs.getString(3));
          x.put("epoch", rs.getLong(4));
          x.put("expires_in_ms", rs.getLong(5));
          x.put("live", rs.getLong(5) > 0);
          x.put("acquired", rs.getTimestamp(6).toInstant().toString());
        }
      }
      return null;
    });
    ObjectNode lg = o.putObject("log");
    String writer = null;
    long epoch = 0;
    for (var l : ls) {
      if (LOG_LEASE.equals(l.path("name").asText()) && l.path("live").asBoolean()) {
        writer = l.path("holder").asText();
        epoch = l.path("epoch").asLong();
      }
    }
    if (writer == null) {
      lg.putNull("writer");
    } else {
      lg.put("writer", writer);
    }
    lg.put("epoch", epoch);
    TiledLog l = log;
    lg.put("size", l == null ? 0 : l.size());
    if (l == null) {
      lg.put("status", NO_WRITER_YET);
    }
    ObjectNode self = o.putObject("member");
    self.put("id", id);
    self.put("writes_log", writer());
    self.put("log_key", signer.isPresent());
    self.put("fenced_writes", fenced.get());
    self.put("stood_down", stoodDown.get());
    self.put("takeovers", takeovers.get());
    ObjectNode ck = self.putObject("checkpoint");
    if (startedFrom == null) {
      ck.putNull("started_from");
    } else {
      ck.put("started_from", startedFrom);
    }
    ck.put("started_from_own", startedFromOwn);
    ck.put("open_ms", openMillis);
    org.covenant.evidence.ProjectionCheckpoints w = checkpointWriter;
    ck.put("last_written", w == null ? 0 : w.lastPosition());
    ObjectNode sh = o.putObject("sharding");
    sh.put("owners", v == null ? 0 : v.owners().size());
    sh.put("moves", moves.get());
    sh.put("moves_in_progress", moving == null ? 0 : 1);
    sh.put("last_move_ms", lastMoveMillis);
    ObjectNode fw = sh.putObject("requests");
    for (Routing.Counter c : Routing.Counter.values()) {
      fw.put(c.name().toLowerCase(java.util.Locale.ROOT), counters.get(c).get());
    }
    account.ifPresent(a -> {
      ObjectNode ow = o.putObject("owner");
      ow.put("account", a);
      Optional<Members.Member> m = Members.owner(all, a);
      if (m.isPresent()) {
        ow.put("member", m.get().id());
        ow.put("url", m.get().url());
      } else {
        ow.putNull("member");
      }
    });
    return o;
  }

  /** Stops the threads; a writer gives up its lease and the member leaves, so others go on. */
  @Override
  public void close() {
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // The last checkpoint before the member leaves, while it still owns its accounts (the
    // threads are stopped: no move runs) and the log is open; closing it closes the store.
    org.covenant.evidence.ProjectionCheckpoints w = checkpointWriter;
    checkpointWriter = null;
    if (w != null) {
      w.close();
    } else if (checkpointStore != null) {
      checkpointStore.close();
    }
    long e = heldEpoch;
    feed = null;
    FeedStages s = stages;
    stages = null;
    if (s != null) {
      s.close();
    }
    heldEpoch = 0;
    try {
      if (e > 0) {
        lease.release(id, e);
      }
      members.leave(id);
    } catch (RuntimeException x) {
      LOG.log(System.Logger.Level.WARNING, "cluster leave failed: " + x.getMessage());
    }
    TiledLog l = log;
    if (l != null) {
      l.close();
    }
    db.close();
    try {
      identity.close();
    } catch (Exception x) {
      LOG.log(System.Logger.Level.WARNING, "releasing the member id failed: " + x.getMessage());
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
