package org.covenant.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How the server listens and its limits.
 *
 * @param host the address to bind ({@code 127.0.0.1} by default; {@code 0.0.0.0} for all)
 * @param port the port; 0 picks a free one
 * @param maxBody the largest request body, in bytes, for every route but the batch decisions
 * @param maxBatchBody the largest body of {@code POST /v1/decisions:batch}
 * @param maxBatch the most events in one {@code POST /v1/events} or requests in one batch
 *     (the events' body limit is {@link #maxEventsBody()})
 * @param staleAfter how old the ledger projection may get while the store is unreachable before
 *     decisions that depend on consents or settings deny with {@code store_unavailable}
 * @param refreshEvery how often the store is polled for other processes' events and health
 * @param threads the most HTTP worker threads (Jetty's acceptors and selectors included)
 * @param metricsToken a scraper's bearer token for {@code /metrics} besides the operator's
 */
public record ServerConfig(String host, int port, long maxBody, long maxBatchBody, int maxBatch,
    Duration staleAfter, Duration refreshEvery, int threads,
    java.util.Optional<String> metricsToken) {
  /** Validates the fields. */
  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(metricsToken, "metricsToken");
    if (metricsToken.isPresent() && metricsToken.get().length() < 16) {
      throw new IllegalArgumentException("a metrics token has at least 16 characters");
    }
    Objects.requireNonNull(staleAfter, "staleAfter");
    Objects.requireNonNull(refreshEvery, "refreshEvery");
    if (port < 0 || port > 65535 || maxBody < 1 || maxBatchBody < 1 || maxBatch < 1
        || threads < 8) {
      throw new IllegalArgumentException("bad server limits");
    }
  }

  /**
   * Loopback, the given port, 1 MiB bodies, 64 MiB batches, 5 s staleness, 250 ms polls, 32
   * threads.
   */
  public static ServerConfig defaults(int port) {
    return new ServerConfig("127.0.0.1", port, 1 << 20, 64L << 20, 100_000,
        Duration.ofSeconds(5), Duration.ofMillis(250), 32, java.util.Optional.empty());
  }

  /** The most bytes one {@code POST /v1/events} body may take: 32 MiB, or the batch limit if lower. */
  public static final long EVENTS_BODY = 32L << 20;

  /**
   * The largest body of {@code POST /v1/events}: room for a whole batch of {@link #maxBatch()}
   * events of about 300 bytes each (a platform's typical event), where the 1 MiB {@link
   * #maxBody()} of the other routes held about 3,000 and refused the batches the limit allows;
   * at most the batch decisions' body, and no more than 32 MiB, since the route parses its
   * body into a tree (docs/DECISIONS.md, "Body limits").
   */
  public long maxEventsBody() {
    return Math.max(maxBody, Math.min(maxBatchBody, EVENTS_BODY));
  }

  /** The limits without a metrics scraper token. */
  public ServerConfig(String host, int port, long maxBody, long maxBatchBody, int maxBatch,
      Duration staleAfter, Duration refreshEvery, int threads) {
    this(host, port, maxBody, maxBatchBody, maxBatch, staleAfter, refreshEvery, threads,
        java.util.Optional.empty());
  }

  /** The same with a scraper token for {@code /metrics}. */
  public ServerConfig withMetricsToken(String token) {
    return new ServerConfig(host, port, maxBody, maxBatchBody, maxBatch, staleAfter,
        refreshEvery, threads, java.util.Optional.of(token));
  }

  /** The same with another staleness bound and poll interval. */
  public ServerConfig withFreshness(Duration stale, Duration refresh) {
    return new ServerConfig(host, port, maxBody, maxBatchBody, maxBatch, stale, refresh,
        threads, metricsToken);
  }

  /** The same bound to another address. */
  public ServerConfig withHost(String otherHost) {
    return new ServerConfig(otherHost, port, maxBody, maxBatchBody, maxBatch, staleAfter,
        refreshEvery, threads, metricsToken);
  }
}
