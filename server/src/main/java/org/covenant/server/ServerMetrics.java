package org.covenant.server;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.covenant.core.decision.Decision;

/**
 * The server's Prometheus metrics, in a registry of its own (so several servers can run in one
 * JVM): requests by route and status with their latency, decisions by verdict and reason, the
 * ledger head, the transparency log size and store freshness.
 */
public final class ServerMetrics {
  /** The content type of the text exposition format. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Histogram latency;
  private final Counter decisions;
  private final ConcurrentHashMap<String, CounterDataPoint> decisionPoints =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CounterDataPoint> requestPoints =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, DistributionDataPoint> latencyPoints =
      new ConcurrentHashMap<>();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  /** ServerMetrics reading the ledger head, log size and store age from the suppliers. */
  public ServerMetrics(LongSupplier ledgerHead, LongSupplier logSize, LongSupplier storeAgeMillis) {
    requests = Counter.builder()
        .name("covenant_http_requests_total")
        .help("HTTP requests by method, route template and status")
        .labelNames("method", "route", "status")
        .withoutExemplars()
        .register(registry);
    latency = Histogram.builder()
        .name("covenant_http_request_duration_seconds")
        .help("HTTP request latency by method and route template")
        .labelNames("method", "route")
        .classicOnly()
        .withoutExemplars()
        .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1, 2.5)
        .register(registry);
    decisions = Counter.builder()
        .name("covenant_decisions_total")
        .help("Decisions by verdict and primary reason (empty on allow)")
        .labelNames("verdict", "reason")
        .withoutExemplars()
        .register(registry);
    GaugeWithCallback.builder()
        .name("covenant_ledger_head")
        .help("Position of the last accepted ledger event")
        .callback(cb -> cb.call(ledgerHead.getAsLong()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("covenant_log_size")
        .help("Leaves in the transparency log")
        .callback(cb -> cb.call(logSize.getAsLong()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("covenant_store_age_seconds")
        .help("Seconds since the ledger projection was last known to match the store")
        .callback(cb -> cb.call(storeAgeMillis.getAsLong() / 1000.0))
        .register(registry);
  }

  /** Counts one request and its latency. */
  public void request(String method, String route, int status, long nanos) {
    String key = method + ' ' + route;
    DistributionDataPoint l = latencyPoints.get(key);
    if (l == null) {
      l = latencyPoints.computeIfAbsent(key, k -> latency.labelValues(method, route));
    }
    l.observe(nanos / 1e9);
    String rkey = key + ' ' + status;
    CounterDataPoint r = requestPoints.get(rkey);
    if (r == null) {
      r = requestPoints.computeIfAbsent(rkey,
          k -> requests.labelValues(method, route, Integer.toString(status)));
    }
    r.inc();
  }

  /** Counts one decision. */
  public void decision(Decision d) {
    decisions(d, 1);
  }

  /** Counts {@code n} decisions with the outcome of {@code d}. */
  public void decisions(Decision d, long n) {
    String reason = d.reason().map(r -> r.code()).orElse("");
    String key = d.verdict().id() + "/" + reason;
    CounterDataPoint p = decisionPoints.get(key);
    if (p == null) {
      p = decisionPoints.computeIfAbsent(key,
          k -> decisions.labelValues(d.verdict().id(), reason));
    }
    p.inc(n);
  }

  /** The text exposition of every metric. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      writer.write(out, registry.scrape(), EscapingScheme.DEFAULT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
