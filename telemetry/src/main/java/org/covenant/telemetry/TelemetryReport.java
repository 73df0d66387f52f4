package org.covenant.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.covenant.format.FileDigest;

/**
 * The whole report pipeline behind {@code covenant telemetry report} (ISSUE 8): read a CTEL file,
 * guard it, aggregate with contribution bounds, release with discrete noise, record the release in
 * the budget ledger, plan load, and write {@code heatmap.png|svg}, {@code plan.png|svg} and
 * {@code summary.json}. The summary holds only released (noisy) values and quarantine counts, never
 * an exact aggregate.
 */
public final class TelemetryReport {
  /** Name of the settings sidecar the generator writes beside a CTEL file. */
  public static final String SETTINGS_SUFFIX = ".settings.jsonl";

  /**
   * Report options.
   *
   * @param in the CTEL file
   * @param out the output directory (created)
   * @param params ε, δ, mechanism, min group
   * @param seed a seed for reproducible noise, or empty for {@link java.security.SecureRandom}
   * @param settings §3 events governing {@code diagnostics.optional}; empty: the input's sidecar
   *     ({@code IN.settings.jsonl}) when present, else the fallback consent
   * @param ledger the budget ledger file; empty: {@code OUT/privacy-ledger.jsonl}
   * @param budget refuse the release when the ledger's spend on this input would exceed it; empty: none
   * @param headroom capacity headroom
   * @param latencyBoundMs the plan's latency bound
   * @param maxShare the plan's largest share of an hour's load to move
   * @param threads aggregation threads
   * @param metrics the metrics (first: the load measure of the plan)
   */
  public record Options(
      Path in, Path out, PrivacyParams params, OptionalLong seed, java.util.Optional<Path> settings,
      java.util.Optional<Path> ledger, java.util.Optional<Rational> budget, double headroom,
      int latencyBoundMs, double maxShare, int threads, List<Metric> metrics) {
    public Options {
      Objects.requireNonNull(in, "in");
      Objects.requireNonNull(out, "out");
      Objects.requireNonNull(params, "params");
      Objects.requireNonNull(seed, "seed");
      Objects.requireNonNull(settings, "settings");
      Objects.requireNonNull(ledger, "ledger");
      Objects.requireNonNull(budget, "budget");
      metrics = List.copyOf(metrics);
      if (metrics.isEmpty() || !metrics.get(0).id().equals(Metric.MINUTES)) {
        throw new IllegalArgumentException("the first metric must be minutes (the plan's load)");
      }
    }

    /** Defaults: 25% headroom, 120 ms latency bound, at most 40% of an hour's load moved, 2 threads. */
    public static Options of(Path in, Path out, PrivacyParams params, OptionalLong seed) {
      return new Options(in, out, params, seed, java.util.Optional.empty(), java.util.Optional.empty(),
          java.util.Optional.empty(), 0.25, 120, 0.4, 2, Metric.platform());
    }
  }

  /**
   * How the exact bounded sums of one metric are computed from the guarded events: in process
   * ({@link BoundedAggregator}, the default) or on Apache Spark ({@code spark} module). Either
   * way the release (noise drawn once per released cell, in this process) is the same code.
   */
  @FunctionalInterface
  public interface CellAggregation {
    /** The in-process kernel. */
    CellAggregation IN_PROCESS = BoundedAggregator::aggregate;

    /** The bounded sums of {@code metric} over {@code guarded}'s accepted events. */
    BoundedSums aggregate(GuardResult guarded, Metric metric, int threads);
  }

  /** What a report run came to. */
  public sealed interface ReportOutcome {
    /** The report was written. */
    record Written(Path dir, ObjectNode summary, GuardResult guard, Release release, LoadPlan plan)
        implements ReportOutcome { }

    /** The input was invalid. */
    record Invalid(InputProblem problem) implements ReportOutcome { }

    /** The release was refused (e.g. {@code budget_exhausted}). */
    record Refused(String code, String message) implements ReportOutcome { }
  }

  private final SchemaCatalogue catalogue;
  private final RegionGraph graph;
  private final DiagnosticsConsent fallbackConsent;
  private final ReleaseRecorder recorder;
  private final Clock clock;

  private TelemetryReport(SchemaCatalogue catalogue, RegionGraph graph,
      DiagnosticsConsent fallbackConsent, ReleaseRecorder recorder, Clock clock) {
    this.catalogue = catalogue;
    this.graph = graph;
    this.fallbackConsent = fallbackConsent;
    this.recorder = recorder;
    this.clock = clock;
  }

  /** A report pipeline over the platform's schemas and regions, allowing all optional data unless settings say otherwise. */
  public static TelemetryReport create(Clock clock) {
    return create(SchemaCatalogue.platform(), RegionGraph.platform(), DiagnosticsConsent.allowAll(),
        ReleaseRecorder.none(), clock);
  }

  /** A report pipeline with explicit collaborators (the composition root wires core consent and the log). */
  public static TelemetryReport create(SchemaCatalogue catalogue, RegionGraph graph,
      DiagnosticsConsent fallbackConsent, ReleaseRecorder recorder, Clock clock) {
    return new TelemetryReport(catalogue, graph, fallbackConsent, recorder, clock);
  }

  /** Runs the pipeline, aggregating in process. */
  public ReportOutcome run(Options o, StageProgress progress) {
    return run(o, progress, CellAggregation.IN_PROCESS);
  }

  /** Runs the pipeline with the bounded sums computed by {@code aggregation}. */
  public ReportOutcome run(Options o, StageProgress progress, CellAggregation aggregation) {
    Objects.requireNonNull(aggregation, "aggregation");
    Map<String, Long> timings = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    DiagnosticsConsent consent = fallbackConsent;
    RegionRestrictions restrictions = RegionRestrictions.none();
    Path settings = o.settings().orElse(Path.of(o.in() + SETTINGS_SUFFIX));
    if (o.settings().isPresent() || Files.exists(settings)) {
      Loaded<InMemoryDiagnosticsConsent> c = InMemoryDiagnosticsConsent.read(settings);
      if (c instanceof Loaded.Invalid<InMemoryDiagnosticsConsent> bad) {
        return new ReportOutcome.Invalid(bad.problem());
      }
      consent = ((Loaded.Ok<InMemoryDiagnosticsConsent>) c).value();
      Loaded<RegionRestrictions> rr = RegionRestrictions.read(settings);
      if (rr instanceof Loaded.Invalid<RegionRestrictions> bad) {
        return new ReportOutcome.Invalid(bad.problem());
      }
      restrictions = ((Loaded.Ok<RegionRestrictions>) rr).value();
    }
    Loaded<TelemetryData> loaded = CtelFile.read(o.in(), progress);
    if (loaded instanceof Loaded.Invalid<TelemetryData> bad) {
      return new ReportOutcome.Invalid(bad.problem());
    }
    TelemetryData data = ((Loaded.Ok<TelemetryData>) loaded).value();
    String dataset = "sha256:" + digest(o.in());
    timings.put("read_ms", ms(t0));

    PrivacyLedger ledger = PrivacyLedger.create(
        o.ledger().orElse(o.out().resolve("privacy-ledger.jsonl")), recorder);
    if (o.budget().isPresent()) {
      // With region restrictions the minutes are drawn a second time, per class (see restricted)
      Rational cost = restrictions.restrictedAccounts() > 0
          ? o.params().epsilon().plus(o.params().epsilon()) : o.params().epsilon();
      Rational after = ledger.spent(dataset).plus(cost);
      if (after.compareTo(o.budget().get()) > 0) {
        return new ReportOutcome.Refused("budget_exhausted", "releasing ε " + cost.toDecimal()
            + " would spend " + after.toDecimal() + " on `" + o.in() + "`, over the budget of "
            + o.budget().get().toDecimal());
      }
    }

    long t1 = System.nanoTime();
    GuardResult guarded = IngestionGuard.create(catalogue, graph, consent).guard(data, progress);
    timings.put("guard_ms", ms(t1));

    long t2 = System.nanoTime();
    List<BoundedSums> exact = new ArrayList<>();
    for (Metric m : o.metrics()) {
      exact.add(aggregation.aggregate(guarded, m, o.threads()));
    }
    timings.put("aggregate_ms", ms(t2));

    long t3 = System.nanoTime();
    DiscreteNoise noise = o.seed().isPresent()
        ? DiscreteNoise.seeded(o.seed().getAsLong()) : DiscreteNoise.secure();
    Release release = AggregateReleaser.create(noise, clock)
        .release(o.metrics(), exact, guarded.regions(), o.params(), dataset);
    timings.put("noise_ms", ms(t3));

    double weeks = (double) data.spanSeconds() / CellGrid.WEEK;
    LoadPlanner planner = LoadPlanner.create(graph, o.headroom(), o.latencyBoundMs(),
        o.maxShare());
    LoadPlan plan = planner.plan(LoadPlanner.hourlyLoad(
        release.metric(Metric.MINUTES).orElseThrow(), graph.size(), weeks));
    Optional<ObjectNode> regionPlan = Optional.empty();
    BudgetEntry entry = release.entry();
    if (restrictions.restrictedAccounts() > 0) {
      Restricted r = restricted(guarded, data, restrictions, o, noise, dataset, weeks, planner);
      plan = r.plan();
      regionPlan = Optional.of(r.summary());
      if (r.perClass().isPresent()) {
        entry = entry.withClasses(r.perClass().get(), r.classes());
      }
    }

    long t4 = System.nanoTime();
    try {
      Files.createDirectories(o.out());
    } catch (IOException e) {
      throw new TelemetryException("io_error", "cannot create `" + o.out() + "`", e);
    }
    String noiseLine = String.format("%s noise, ε = %s%s, accounts as privacy unit, cells with"
        + " fewer than %d accounts suppressed (grey)%s", o.params().mechanism().id(),
        o.params().epsilon().toDecimal(),
        o.params().mechanism() == Mechanism.GAUSSIAN ? ", δ = " + o.params().delta() : "",
        o.params().minGroup(), o.seed().isPresent() ? "; seeded noise, not for publication" : "");
    Metric minutes = o.metrics().get(0);
    ReportCharts.write(ReportCharts.heatmap(release.metric(Metric.MINUTES).orElseThrow(),
        guarded.regions(), minutes.unit(), noiseLine), o.out(), "heatmap", 1600, 620);
    ReportCharts.write(ReportCharts.plan(plan, String.format(
        "shifts to neighbours within %d ms, at most %.0f%% of an hour's load; busiest day per UTC hour;"
        + " %s noise, ε = %s", o.latencyBoundMs(), o.maxShare() * 100, o.params().mechanism().id(),
        o.params().epsilon().toDecimal())), o.out(), "plan", 1200, 1500);
    timings.put("charts_ms", ms(t4));

    // One budget entry, one log leaf, per release, per-class draws included.
    BudgetEntry written = ledger.append(entry);
    Release recorded = new Release(release.regions(), release.params(), release.metrics(), written);
    ObjectNode summary = summary(o, data, guarded, recorded, plan, ledger.file(), timings);
    regionPlan.ifPresent(x -> ((ObjectNode) summary.get("plan")).set("region_restrictions", x));
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(o.out().resolve("summary.json").toFile(), summary);
    } catch (IOException e) {
      throw new TelemetryException("io_error", "cannot write summary in `" + o.out() + "`", e);
    }
    return new ReportOutcome.Written(o.out(), summary, guarded, recorded, plan);
  }

  /**
   * The load plan under the accounts' region restrictions, what it says about them, and the
   * charges of the per-class draw (the same for every class; empty when there was no class).
   */
  private record Restricted(LoadPlan plan, ObjectNode summary, Optional<BudgetEntry> perClass,
      List<String> classes) {}

  /**
   * Issue 18: the minutes of each class of accounts that allow the same regions are released
   * apart, and the plan moves each class's load only to regions it allows. The same noisy loads,
   * summed and planned without restriction, say how much shift the restrictions forgo. The
   * classes partition the accounts, the privacy unit, so the per-class draws together cost ε once
   * (parallel composition), on top of the release over all accounts: the caller folds them into
   * the release's one budget entry ({@link BudgetEntry#withClasses}).
   */
  private Restricted restricted(GuardResult guarded, TelemetryData data,
      RegionRestrictions restrictions, Options o, DiscreteNoise noise, String dataset,
      double weeks, LoadPlanner planner) {
    Metric metric = o.metrics().stream().filter(m -> m.id().equals(Metric.MINUTES)).findFirst()
        .orElseThrow();
    int n = graph.size();
    List<String> ids = graph.ids();
    List<String> pseudonyms = data.dictionary(TelemetryData.PSEUDONYMS);
    Optional<EventTable> table = guarded.table(metric.type());
    Map<String, List<Integer>> rowsOf = new java.util.TreeMap<>();
    Map<String, java.util.Set<Integer>> accountsOf = new java.util.TreeMap<>();
    int[] account = new int[0];
    byte[] region = new byte[0];
    int[] at = new int[0];
    int[] value = new int[0];
    if (table.isPresent() && table.get().rows() > 0) {
      account = table.get().require("account").ints();
      region = table.get().require("region").bytes();
      at = table.get().require("at").ints();
      value = table.get().require(metric.field()).ints();
      for (int i = 0; i < table.get().rows(); i++) {
        String key = restrictions.allowed(pseudonyms.get(account[i]))
            .map(l -> String.join(",", l)).orElse("all");
        rowsOf.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        accountsOf.computeIfAbsent(key, k -> new java.util.HashSet<>()).add(account[i]);
      }
    }
    List<LoadPlanner.LoadClass> classes = new ArrayList<>();
    Optional<BudgetEntry> perClass = Optional.empty();
    ArrayNode classJson = new ObjectMapper().createArrayNode();
    for (Map.Entry<String, List<Integer>> e : rowsOf.entrySet()) {
      List<Integer> rows = e.getValue();
      int k = rows.size();
      int[] a = new int[k];
      byte[] g = new byte[k];
      int[] t = new int[k];
      int[] v = new int[k];
      for (int j = 0; j < k; j++) {
        int i = rows.get(j);
        a[j] = account[i];
        g[j] = region[i];
        t[j] = at[i];
        v[j] = value[i];
      }
      BoundedSums sums = BoundedAggregator.aggregate(metric.id(), a, g, t, v, k, n,
          guarded.baseEpochSecond(), guarded.spanSeconds(), metric.bounds(), o.threads());
      Release part = AggregateReleaser.create(noise, clock).release(List.of(metric),
          List.of(sums), guarded.regions(), o.params(), dataset);
      perClass = Optional.of(part.entry());
      boolean[] allowed = new boolean[n];
      List<String> names = e.getKey().equals("all") ? ids : List.of(e.getKey().split(","));
      for (int r = 0; r < n; r++) {
        allowed[r] = names.contains(ids.get(r));
      }
      classes.add(new LoadPlanner.LoadClass(e.getKey(), allowed,
          LoadPlanner.hourlyLoad(part.metric(metric.id()).orElseThrow(), n, weeks)));
      ObjectNode c = classJson.addObject();
      c.put("allowed", e.getKey());
      c.put("accounts", accountsOf.get(e.getKey()).size());
    }
    double[][] total = new double[n][24];
    for (LoadPlanner.LoadClass c : classes) {
      for (int r = 0; r < n; r++) {
        for (int h = 0; h < 24; h++) {
          total[r][h] += c.load()[r][h];
        }
      }
    }
    LoadPlan free = planner.plan(total);
    LoadPlan plan = planner.plan(classes);
    ObjectNode s = new ObjectMapper().createObjectNode();
    s.put("restricted_accounts", restrictions.restrictedAccounts());
    s.set("classes", classJson);
    double freeCut = free.totalPeakBefore() - free.totalPeakAfter();
    double cut = plan.totalPeakBefore() - plan.totalPeakAfter();
    s.put("total_peak_after_unrestricted", round1(free.totalPeakAfter()));
    s.put("total_peak_after_restricted", round1(plan.totalPeakAfter()));
    s.put("forgone_peak_reduction", round1(freeCut - cut));
    s.put("forgone_share", freeCut <= 0 ? 0 : round4((freeCut - cut) / freeCut));
    s.put("moved_unrestricted", round1(free.shifts().stream()
        .mapToDouble(LoadPlan.Shift::amount).sum()));
    s.put("moved_restricted", round1(plan.shifts().stream()
        .mapToDouble(LoadPlan.Shift::amount).sum()));
    s.put("privacy", "minutes released once per class of accounts allowing the same regions "
        + "(disjoint accounts: ε once for all classes, added to the release's ε); one budget "
        + "entry per release, listing the classes");
    return new Restricted(plan, s, perClass, new ArrayList<>(rowsOf.keySet()));
  }

  private ObjectNode summary(Options o, TelemetryData data, GuardResult g, Release release,
      LoadPlan plan, Path ledgerFile, Map<String, Long> timings) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode s = json.createObjectNode();
    s.put("input", o.in().toString());
    s.put("dataset", release.entry().dataset());
    ObjectNode window = s.putObject("window");
    window.put("start", Instant.ofEpochSecond(data.baseEpochSecond()).toString());
    window.put("end", Instant.ofEpochSecond(data.baseEpochSecond() + data.spanSeconds()).toString());
    window.put("weeks", (double) data.spanSeconds() / CellGrid.WEEK);
    ObjectNode events = s.putObject("events");
    events.put("read", g.read());
    events.put("accepted", g.acceptedEvents());
    events.put("quarantined", g.quarantined());
    events.put("dropped_optional_not_allowed", g.dropped());
    ObjectNode q = s.putObject("quarantine");
    ObjectNode byReason = q.putObject("by_reason");
    g.byReason().forEach(byReason::put);
    ObjectNode byField = q.putObject("by_field");
    g.byField().forEach(byField::put);
    ArrayNode samples = q.putArray("samples");
    for (GuardResult.Sample x : g.samples()) {
      ObjectNode n = samples.addObject();
      n.put("type", x.type());
      n.put("row", x.row());
      n.put("field", x.field());
      n.put("reason", x.reason());
    }
    s.set("release", PrivacyLedger.tree(release.entry()));
    s.put("ledger", ledgerFile.toString());
    ObjectNode metrics = s.putObject("metrics");
    for (Metric m : o.metrics()) {
      Release.MetricRelease r = release.metric(m.id()).orElseThrow();
      ObjectNode n = metrics.putObject(m.id());
      n.put("type", m.type());
      n.put("field", m.field());
      n.put("unit", m.unit());
      n.put("max_cells", m.bounds().maxCells());
      n.put("max_per_cell", m.bounds().maxPerCell());
      n.put("sum_noise_stddev", r.sumStddev());
      n.put("count_noise_stddev", r.countStddev());
      n.put("published_cells", r.published());
      n.put("suppressed_cells", r.suppressed().length - r.published());
      long total = 0;
      for (int c = 0; c < r.sum().length; c++) {
        if (!r.suppressed()[c]) {
          total += r.sum()[c];
        }
      }
      n.put("published_total", total);
    }
    ArrayNode cells = s.putArray("cells");
    List<String> regions = release.regions();
    for (int c = 0; c < regions.size() * CellGrid.HOURS; c++) {
      ObjectNode n = cells.addObject();
      n.put("region", regions.get(c / CellGrid.HOURS));
      n.put("dow", c % CellGrid.HOURS / 24);
      n.put("hour", c % 24);
      for (Metric m : o.metrics()) {
        Release.MetricRelease r = release.metric(m.id()).orElseThrow();
        if (r.suppressed()[c]) {
          n.putNull(m.id());
        } else {
          n.put(m.id(), r.sum()[c]);
          n.put(m.id() + "_accounts", r.count()[c]);
        }
      }
    }
    ObjectNode p = s.putObject("plan");
    p.put("unit", "concurrent participants");
    p.put("headroom", plan.headroom());
    p.put("latency_bound_ms", plan.latencyBoundMs());
    p.put("max_share", plan.maxShare());
    p.put("total_peak_before", round1(plan.totalPeakBefore()));
    p.put("total_peak_after", round1(plan.totalPeakAfter()));
    p.put("peak_reduction", round4(plan.peakReduction()));
    ObjectNode per = p.putObject("regions");
    for (int r = 0; r < regions.size(); r++) {
      ObjectNode n = per.putObject(regions.get(r));
      n.put("peak_before", round1(plan.peakBefore(r)));
      n.put("peak_after", round1(plan.peakAfter(r)));
      ArrayNode cap = n.putArray("capacity");
      ArrayNode capAfter = n.putArray("capacity_after");
      for (int h = 0; h < 24; h++) {
        cap.add(plan.capacity()[r][h]);
        capAfter.add(plan.capacityAfter()[r][h]);
      }
    }
    ArrayNode shifts = p.putArray("shifts");
    for (LoadPlan.Shift x : plan.shifts()) {
      ObjectNode n = shifts.addObject();
      n.put("hour_utc", x.hour());
      n.put("from", x.from());
      n.put("to", x.to());
      n.put("latency_ms", x.latencyMs());
      n.put("share", round4(x.share()));
      n.put("amount", round1(x.amount()));
    }
    ArrayNode files = s.putArray("files");
    for (String f : List.of("heatmap.png", "heatmap.svg", "plan.png", "plan.svg", "summary.json")) {
      files.add(f);
    }
    ObjectNode t = s.putObject("timings_ms");
    timings.forEach(t::put);
    return s;
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static double round4(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static String digest(Path file) {
    try {
      return FileDigest.sha256(file);
    } catch (IOException e) {
      throw new TelemetryException("io_error", "cannot read `" + file + "`", e);
    }
  }
}
