package org.covenant.evidence;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A feed's log catch-up in two stages, so a writer uses both cores (issue 15): one thread
 * computes the leaves of the events committed so far ({@link LedgerFeed#leavesAfter}, new salts
 * durable before it returns) while another appends the pages computed before, in order, one log
 * commit each ({@link LedgerFeed#append}); a log commit's fsyncs no longer hold up the next
 * page's leaves. A page is appended only where the log stands, so whatever else catches the same
 * feed up in between ({@link LedgerFeed#catchUp}, a receipt, an erasure), the log never holds an
 * event twice or out of order. The CLI import ({@code LoggedLedger}) and the server's log
 * follower ({@code POST /v1/events} batches) both catch up through this one class.
 *
 * <p>Its calls are serialized (the importer, or the server's flush and its close). A failure of either stage
 * is thrown by {@link #start()}, {@link #await()} or {@link #catchUp()}; a page after a failed
 * append is not appended (it no longer starts where the log stands), and the ledger keeps its
 * events: the next catch-up, or the next open, logs them.
 */
public final class FeedStages implements AutoCloseable {
  /** Log appends computed ahead and not yet awaited, beyond the one being written. */
  private static final int APPENDS_AHEAD = 1;

  private final LedgerFeed feed;
  private final String name;
  private ExecutorService appender;
  private ExecutorService leafThread;
  /** The leaves being computed: the appends they handed to {@link #appender}. */
  private Future<List<Future<?>>> leaves;
  private final ArrayDeque<Future<?>> appends = new ArrayDeque<>();
  /**
   * The ledger position up to which leaves were computed (only the leaf thread writes it while
   * a stage runs); -1: from where the log stands.
   */
  private volatile long preparedUpTo = -1;

  /** Two stages over {@code feed}; {@code name} prefixes their threads' names. */
  public FeedStages(LedgerFeed feed, String name) {
    this.feed = Objects.requireNonNull(feed, "feed");
    this.name = Objects.requireNonNull(name, "name");
  }

  /** The feed these stages catch up. */
  public LedgerFeed feed() {
    return feed;
  }

  /**
   * Starts catching the log up with every event committed so far, in the background: first
   * waits for the previous call's leaves, and for appends until at most {@value #APPENDS_AHEAD}
   * are pending.
   */
  public synchronized void start() {
    awaitLeaves();
    while (appends.size() > APPENDS_AHEAD) {
      waitFor(appends.poll());
    }
    if (appender == null) {
      appender = Executors.newSingleThreadExecutor(daemon(name + "-feed"));
      leafThread = Executors.newSingleThreadExecutor(daemon(name + "-leaves"));
    }
    leaves = leafThread.submit(() -> {
      List<Future<?>> sent = new ArrayList<>();
      long after = preparedUpTo >= 0 ? preparedUpTo : feed.loggedUpTo();
      while (true) {
        Optional<LedgerFeed.Page> page = feed.leavesAfter(after);
        if (page.isEmpty()) {
          break;
        }
        LedgerFeed.Page p = page.get();
        sent.add(appender.submit(() -> feed.append(p)));
        after = p.last();
        if (!p.full()) {
          break;
        }
      }
      preparedUpTo = after;
      return sent;
    });
  }

  /**
   * Waits for both stages: the leaves, then every append in order; the first failure is thrown
   * (after the rest were awaited, so nothing runs on when this returns), and the next catch-up
   * starts from where the log stands.
   */
  public synchronized void await() {
    RuntimeException first = null;
    try {
      awaitLeaves();
    } catch (RuntimeException e) {
      first = e;
    }
    while (!appends.isEmpty()) {
      try {
        waitFor(appends.poll());
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    preparedUpTo = -1;
    if (first != null) {
      throw first;
    }
  }

  /**
   * Appends the leaves of every event committed so far, in the two stages, and returns once
   * they are durable ({@link #start()} then {@link #await()}).
   *
   * @throws org.covenant.log.LogException as {@link LedgerFeed#append} throws it
   */
  public synchronized void catchUp() {
    start();
    await();
  }

  /** Waits for the leaves being computed and queues the appends they handed on. */
  private void awaitLeaves() {
    Future<List<Future<?>>> l = leaves;
    leaves = null;
    if (l != null) {
      appends.addAll(waitFor(l));
    }
  }

  private static <T> T waitFor(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the log caught up", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Stops the two threads, without waiting (call {@link #await()} first to keep the work). */
  @Override
  public synchronized void close() {
    if (appender != null) {
      appender.shutdownNow();
      leafThread.shutdownNow();
    }
  }
}
