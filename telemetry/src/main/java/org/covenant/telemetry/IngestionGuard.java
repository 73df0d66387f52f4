package org.covenant.telemetry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates telemetry against its schemas before anything is aggregated (ISSUE 8, ingestion guard).
 * An event that fails a check is quarantined: counted under the first failing
 * {@link QuarantineReason}, never aggregated, and its values are not copied anywhere. Optional
 * diagnostic events pass only while {@link DiagnosticsConsent} allows them for their user at their
 * instant; the others are dropped and counted as {@code optional_not_allowed}.
 *
 * <p>Checks run column by column over whole arrays (a per-dictionary-entry verdict is computed once),
 * so the guard costs a few passes over memory, not a parse per event.
 */
public final class IngestionGuard {
  private static final int MAX_SAMPLES = 20;

  private final SchemaCatalogue catalogue;
  private final SchemaReview review;
  private final RegionGraph regions;
  private final DiagnosticsConsent consent;

  private IngestionGuard(
      SchemaCatalogue catalogue, RegionGraph regions, DiagnosticsConsent consent) {
    this.catalogue = catalogue;
    this.review = SchemaReviewer.create().review(catalogue);
    this.regions = regions;
    this.consent = consent;
  }

  /** A guard for {@code catalogue}'s schemas (those failing review ingest nothing), the public regions and a consent port. */
  public static IngestionGuard create(
      SchemaCatalogue catalogue, RegionGraph regions, DiagnosticsConsent consent) {
    return new IngestionGuard(catalogue, regions, consent);
  }

  /** Guards every table of {@code data}. */
  public GuardResult guard(TelemetryData data, StageProgress progress) {
    Counts counts = new Counts();
    Map<String, EventTable> accepted = new HashMap<>();
    long total = data.events();
    long done = 0;
    Verdicts verdicts = new Verdicts(data);
    for (EventTable table : data.tables()) {
      EventTable ok = guard(data, table, verdicts, counts);
      if (ok != null) {
        if (accepted.containsKey(table.type())) {
          throw new TelemetryException("duplicate_table", "two tables of type `" + table.type() + "`");
        }
        accepted.put(table.type(), clustered(ok));
      }
      done += table.rows();
      progress.update("guard", done, total);
    }
    return new GuardResult(accepted, regions.ids(), data.baseEpochSecond(), data.spanSeconds(),
        total, counts.byReason, counts.byField, counts.samples);
  }

  private EventTable guard(TelemetryData data, EventTable table, Verdicts verdicts, Counts counts) {
    String type = table.type();
    int n = table.rows();
    EventSchema schema = catalogue.schema(type).orElse(null);
    if (schema == null) {
      counts.whole(type, QuarantineReason.UNKNOWN_TYPE, n);
      return null;
    }
    if (!review.passed(type)) {
      counts.whole(type, QuarantineReason.SCHEMA_REJECTED, n);
      return null;
    }
    byte[] reason = new byte[n];
    for (FieldSpec f : schema.fields()) {
      Column c = table.column(f.name()).orElse(null);
      if (c != null && !compatible(f, c)) {
        counts.whole(type, QuarantineReason.WRONG_TYPE, n);
        return null;
      }
    }
    // INVARIANT: each pass below only marks rows whose reason is still 0, so the first failing
    // check (in the order QuarantineReason documents) is the one counted, once per event.
    for (Column c : table.columns()) {
      if (schema.field(c.name()).isPresent()) {
        continue;
      }
      extraField(type, c, data, reason, counts);
    }
    for (FieldSpec f : schema.fields()) {
      Column c = table.column(f.name()).orElse(null);
      if (c != null && f.type() == FieldType.PSEUDONYM) {
        pseudonym(type, f, c, verdicts, reason, counts);
      }
    }
    for (FieldSpec f : schema.fields()) {
      Column c = table.column(f.name()).orElse(null);
      if (f.required()) {
        missing(type, f, c, n, reason, counts);
      }
    }
    Map<String, Column> recoded = new HashMap<>();
    for (FieldSpec f : schema.fields()) {
      Column c = table.column(f.name()).orElse(null);
      if (c == null) {
        continue;
      }
      switch (f.type()) {
        case REGION -> recoded.put(f.name(), region(type, f, c, data, reason, counts));
        case ENUM -> enumeration(type, f, c, data, reason, counts);
        case BOOL -> flag(type, f, c, reason, counts);
        case INT -> range(type, f, c, f.min(), f.max(), reason, counts);
        case TIMESTAMP -> range(type, f, c, 0, data.spanSeconds() - 1L, reason, counts);
        default -> { }
      }
    }
    if (schema.classification() == Classification.OPTIONAL) {
      optional(data, schema, table, reason, counts);
    }
    boolean[] keep = new boolean[n];
    int kept = 0;
    for (int i = 0; i < n; i++) {
      if (reason[i] == 0) {
        keep[i] = true;
        kept++;
      }
    }
    EventTable out = table;
    for (Column c : recoded.values()) {
      out = out.with(c);
    }
    // drop undeclared columns: their only non-null rows were quarantined
    List<Column> declared = new ArrayList<>();
    for (Column c : out.columns()) {
      if (schema.field(c.name()).isPresent()) {
        declared.add(c);
      }
    }
    EventTable trimmed = new EventTable(type, declared);
    return kept == n ? trimmed : trimmed.select(keep, kept);
  }

  private static boolean compatible(FieldSpec f, Column c) {
    return switch (f.type()) {
      case PSEUDONYM -> c.encoding() == Column.Encoding.I32 && c.dictionary().equals(TelemetryData.PSEUDONYMS);
      case INT, TIMESTAMP -> c.encoding() == Column.Encoding.I32 && c.dictionary().isEmpty();
      case REGION, ENUM -> c.encoding() == Column.Encoding.U8 && !c.dictionary().isEmpty();
      case BOOL -> c.encoding() == Column.Encoding.U8;
      default -> false;
    };
  }

  private static void extraField(String type, Column c, TelemetryData data, byte[] reason, Counts counts) {
    int n = reason.length;
    List<String> dict = c.dictionary().isEmpty() ? List.of() : data.dictionary(c.dictionary());
    // one verdict per dictionary entry: does the string itself look like a direct identifier?
    boolean[] identifier = new boolean[dict.size()];
    for (int k = 0; k < dict.size(); k++) {
      identifier[k] = IdentifierPatterns.detect(dict.get(k)) != null;
    }
    long ident = 0;
    long unexpected = 0;
    for (int i = 0; i < n; i++) {
      if (reason[i] != 0 || c.isNull(i)) {
        continue;
      }
      int code = c.encoding() == Column.Encoding.I32 ? c.ints()[i] : c.bytes()[i] & 0xFF;
      QuarantineReason r = code >= 0 && code < identifier.length && identifier[code]
          ? QuarantineReason.DIRECT_IDENTIFIER : QuarantineReason.UNEXPECTED_FIELD;
      reason[i] = (byte) (r.ordinal() + 1);
      counts.sample(type, i, c.name(), r);
      if (r == QuarantineReason.DIRECT_IDENTIFIER) {
        ident++;
      } else {
        unexpected++;
      }
    }
    counts.add(type, c.name(), QuarantineReason.DIRECT_IDENTIFIER, ident);
    counts.add(type, c.name(), QuarantineReason.UNEXPECTED_FIELD, unexpected);
  }

  private void pseudonym(
      String type, FieldSpec f, Column c, Verdicts verdicts, byte[] reason, Counts counts) {
    byte[] verdict = verdicts.pseudonyms(catalogue);
    int[] v = c.ints();
    long[] per = new long[QuarantineReason.values().length];
    for (int i = 0; i < v.length; i++) {
      if (reason[i] != 0 || v[i] == Column.NULL_I32) {
        continue;
      }
      int code = v[i];
      byte r = code < 0 || code >= verdict.length
          ? (byte) (QuarantineReason.UNKNOWN_VALUE.ordinal() + 1) : verdict[code];
      if (r != 0) {
        reason[i] = r;
        per[r - 1]++;
        counts.sample(type, i, f.name(), QuarantineReason.values()[r - 1]);
      }
    }
    counts.addAll(type, f.name(), per);
  }

  private static void missing(
      String type, FieldSpec f, Column c, int n, byte[] reason, Counts counts) {
    long k = 0;
    for (int i = 0; i < n; i++) {
      if (reason[i] == 0 && (c == null || c.isNull(i))) {
        reason[i] = (byte) (QuarantineReason.MISSING_FIELD.ordinal() + 1);
        counts.sample(type, i, f.name(), QuarantineReason.MISSING_FIELD);
        k++;
      }
    }
    counts.add(type, f.name(), QuarantineReason.MISSING_FIELD, k);
  }

  private Column region(
      String type, FieldSpec f, Column c, TelemetryData data, byte[] reason, Counts counts) {
    List<String> names = data.dictionary(c.dictionary());
    byte[] map = new byte[256];
    java.util.Arrays.fill(map, Column.NULL_U8);
    for (int k = 0; k < Math.min(255, names.size()); k++) {
      int idx = regions.index(names.get(k)).orElse(-1);
      map[k] = idx < 0 ? Column.NULL_U8 : (byte) idx;
    }
    byte[] v = c.bytes();
    byte[] out = new byte[v.length];
    long bad = 0;
    for (int i = 0; i < v.length; i++) {
      byte m = map[v[i] & 0xFF];
      out[i] = m;
      if (reason[i] == 0 && v[i] != Column.NULL_U8 && m == Column.NULL_U8) {
        reason[i] = (byte) (QuarantineReason.UNKNOWN_VALUE.ordinal() + 1);
        counts.sample(type, i, f.name(), QuarantineReason.UNKNOWN_VALUE);
        bad++;
      }
    }
    counts.add(type, f.name(), QuarantineReason.UNKNOWN_VALUE, bad);
    return c.recoded("public_regions", out);
  }

  private static void enumeration(
      String type, FieldSpec f, Column c, TelemetryData data, byte[] reason, Counts counts) {
    List<String> names = data.dictionary(c.dictionary());
    Set<String> allowed = new HashSet<>(f.values());
    boolean[] ok = new boolean[256];
    for (int k = 0; k < Math.min(255, names.size()); k++) {
      ok[k] = allowed.contains(names.get(k));
    }
    byte[] v = c.bytes();
    long bad = 0;
    for (int i = 0; i < v.length; i++) {
      if (reason[i] == 0 && v[i] != Column.NULL_U8 && !ok[v[i] & 0xFF]) {
        reason[i] = (byte) (QuarantineReason.UNKNOWN_VALUE.ordinal() + 1);
        counts.sample(type, i, f.name(), QuarantineReason.UNKNOWN_VALUE);
        bad++;
      }
    }
    counts.add(type, f.name(), QuarantineReason.UNKNOWN_VALUE, bad);
  }

  private static void flag(String type, FieldSpec f, Column c, byte[] reason, Counts counts) {
    byte[] v = c.bytes();
    long bad = 0;
    for (int i = 0; i < v.length; i++) {
      if (reason[i] == 0 && v[i] != Column.NULL_U8 && v[i] != 0 && v[i] != 1) {
        reason[i] = (byte) (QuarantineReason.UNKNOWN_VALUE.ordinal() + 1);
        counts.sample(type, i, f.name(), QuarantineReason.UNKNOWN_VALUE);
        bad++;
      }
    }
    counts.add(type, f.name(), QuarantineReason.UNKNOWN_VALUE, bad);
  }

  private static void range(
      String type, FieldSpec f, Column c, long min, long max, byte[] reason, Counts counts) {
    int[] v = c.ints();
    long bad = 0;
    for (int i = 0; i < v.length; i++) {
      int x = v[i];
      if (reason[i] == 0 && x != Column.NULL_I32 && (x < min || x > max)) {
        reason[i] = (byte) (QuarantineReason.OUT_OF_RANGE.ordinal() + 1);
        counts.sample(type, i, f.name(), QuarantineReason.OUT_OF_RANGE);
        bad++;
      }
    }
    counts.add(type, f.name(), QuarantineReason.OUT_OF_RANGE, bad);
  }

  private void optional(
      TelemetryData data, EventSchema schema, EventTable table, byte[] reason, Counts counts) {
    if (table.column("account").isEmpty() || table.column("at").isEmpty()) {
      return; // every row is already quarantined as missing_field
    }
    List<String> pseudonyms = data.dictionary(TelemetryData.PSEUDONYMS);
    int[] account = table.require("account").ints();
    int[] at = table.require("at").ints();
    int[] user = schema.field("user").isPresent() && table.column("user").isPresent()
        ? table.require("user").ints() : null;
    long baseMillis = data.baseEpochSecond() * 1000L;
    long dropped = 0;
    for (int i = 0; i < reason.length; i++) {
      if (reason[i] != 0) {
        continue;
      }
      String u = user == null || user[i] == Column.NULL_I32 ? "" : pseudonyms.get(user[i]);
      if (!consent.optionalAllowed(pseudonyms.get(account[i]), u, baseMillis + at[i] * 1000L)) {
        reason[i] = (byte) (QuarantineReason.OPTIONAL_NOT_ALLOWED.ordinal() + 1);
        dropped++;
      }
    }
    counts.add(schema.type(), "user", QuarantineReason.OPTIONAL_NOT_ALLOWED, dropped);
  }

  private static EventTable clustered(EventTable t) {
    if (t.column("account").isEmpty()) {
      return t; // no rows survived: account is required
    }
    int[] account = t.require("account").ints();
    boolean sorted = true;
    for (int i = 1; i < account.length && sorted; i++) {
      sorted = account[i - 1] <= account[i];
    }
    if (sorted) {
      return t;
    }
    // stable counting sort by account: keeps time order within an account, O(rows + accounts)
    int max = 0;
    for (int a : account) {
      max = Math.max(max, a);
    }
    int[] start = new int[max + 2];
    for (int a : account) {
      start[a + 1]++;
    }
    for (int k = 1; k < start.length; k++) {
      start[k] += start[k - 1];
    }
    int[] perm = new int[account.length];
    for (int i = 0; i < account.length; i++) {
      perm[start[account[i]]++] = i;
    }
    return t.permute(perm);
  }

  /** Per-dictionary-entry verdicts, computed once per data set. */
  private static final class Verdicts {
    private final TelemetryData data;
    private byte[] pseudonyms;

    Verdicts(TelemetryData data) {
      this.data = data;
    }

    byte[] pseudonyms(SchemaCatalogue catalogue) {
      if (pseudonyms == null) {
        List<String> d = data.dictionary(TelemetryData.PSEUDONYMS);
        pseudonyms = new byte[d.size()];
        for (int k = 0; k < d.size(); k++) {
          String s = d.get(k);
          if (catalogue.pseudonymPattern().matcher(s).matches()) {
            continue;
          }
          pseudonyms[k] = (byte) ((IdentifierPatterns.detect(s) != null
              ? QuarantineReason.DIRECT_IDENTIFIER : QuarantineReason.INVALID_PSEUDONYM).ordinal() + 1);
        }
      }
      return pseudonyms;
    }
  }

  private static final class Counts {
    final Map<String, Long> byReason = new LinkedHashMap<>();
    final Map<String, Long> byField = new HashMap<>();
    final List<GuardResult.Sample> samples = new ArrayList<>();

    Counts() {
      for (QuarantineReason r : QuarantineReason.values()) {
        byReason.put(r.code(), 0L);
      }
    }

    void whole(String type, QuarantineReason r, long n) {
      if (n > 0) {
        byReason.merge(r.code(), n, Long::sum);
        byField.merge(type + ":" + r.code(), n, Long::sum);
        if (samples.size() < MAX_SAMPLES) {
          samples.add(new GuardResult.Sample(type, 0, "", r.code()));
        }
      }
    }

    void add(String type, String field, QuarantineReason r, long n) {
      if (n > 0) {
        byReason.merge(r.code(), n, Long::sum);
        byField.merge(type + "." + field + ":" + r.code(), n, Long::sum);
      }
    }

    void addAll(String type, String field, long[] per) {
      for (int k = 0; k < per.length; k++) {
        add(type, field, QuarantineReason.values()[k], per[k]);
      }
    }

    void sample(String type, int row, String field, QuarantineReason r) {
      if (samples.size() < MAX_SAMPLES) {
        samples.add(new GuardResult.Sample(type, row, field, r.code()));
      }
    }
  }
}
