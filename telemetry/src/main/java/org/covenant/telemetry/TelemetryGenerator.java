package org.covenant.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Makes realistic telemetry for the platform's schemas (ISSUE 8, generator): accounts of Pareto-
 * skewed size homed in regions by weight (one in ten also active in a second region), each
 * meeting in its region's local working day (morning and afternoon peaks, a lunch dip, quiet
 * nights, weekends at a tenth), written clustered by account. A {@code breakage} share of events
 * breaks its schema the ways real pipelines do: content in undeclared fields (meeting titles),
 * emails and IP addresses where pseudonyms go, values out of range, unknown regions and enum values,
 * missing required fields, instants outside the window, and a table of an undeclared type. It also
 * makes {@code diagnostics.optional} switch-offs (ARCHITECTURE.md §3 {@code setting.set} events) for
 * some accounts and users, so the guard has optional events to drop.
 */
public final class TelemetryGenerator {
  /** The first Monday of March 2026, 00:00 UTC: the default window start. */
  public static final Instant DEFAULT_START = Instant.parse("2026-03-02T00:00:00Z");

  private static final String[] TYPES = {
    "meeting.minutes", "meeting.participants", "network.bandwidth", "media.quality", "client.session"};
  /** Cumulative mix of event types: 36% minutes, 10% participants, 34% bandwidth, 12% quality, 8% sessions. */
  private static final double[] TYPE_MIX = {0.36, 0.46, 0.80, 0.92, 1.0};
  private static final double[] DEVICE_MIX = {0.55, 0.8, 0.92, 0.98, 1.0};
  private static final double[] OS_MIX = {0.55, 0.8, 0.85, 0.92, 0.99, 1.0};
  private static final double[] VERSION_MIX = {0.05, 0.2, 0.5, 1.0};
  private static final String[] TRANSPORT = {"udp", "tcp", "tls"};
  private static final String[] DEVICE = {"desktop", "mobile", "web", "room_system", "pstn"};
  private static final String[] OS = {"windows", "macos", "linux", "ios", "android", "chromeos", "os2_warp"};
  private static final String[] VERSION = {"6.0", "6.1", "6.2", "6.3"};
  private static final String[] TITLES = {
    "Q3 board review", "Interview: candidate J. Smith", "Layoff planning (confidential)",
    "Dr. Patel / patient follow-up", "Acquisition of Northwind", "1:1 performance review"};
  private static final String[] EMAILS = {"jane.doe@example.com", "ceo@contoso.example", "m.rossi@example.org"};
  private static final String[] IPS = {"203.0.113.7", "198.51.100.23", "2001:db8::17"};
  /** Local-time weight of each hour on a working day: peaks at 10 and 14-15, a lunch dip. */
  private static final double[] WORKDAY = {
    0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 9, 14, 16, 13, 8, 11, 15, 14, 11, 7, 3.5, 2, 1.5, 1, 0.6, 0.3};
  private static final double WEEKEND = 0.1;

  /**
   * Generation options.
   *
   * @param events total events, broken ones included
   * @param seed the seed: the same options give the same bytes
   * @param days length of the window in days (from {@code start})
   * @param start window start (UTC)
   * @param breakage share of events that break their schema
   * @param optOutAccounts share of accounts whose admin turns {@code diagnostics.optional} off
   * @param optOutUsers share of users who turn it off for themselves
   */
  public record Options(
      long events, long seed, int days, Instant start, double breakage, double optOutAccounts,
      double optOutUsers) {
    public Options {
      Objects.requireNonNull(start, "start");
      if (events < 1 || events > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("events must be in [1, 2^31)");
      }
      if (days < 1 || days > 366) {
        throw new IllegalArgumentException("days must be in [1, 366]");
      }
      if (breakage < 0 || breakage > 0.5 || optOutAccounts < 0 || optOutAccounts > 1
          || optOutUsers < 0 || optOutUsers > 1) {
        throw new IllegalArgumentException("shares must be within [0, 1] (breakage at most 0.5)");
      }
    }

    /** One week from {@link #DEFAULT_START}, 0.05% broken, 4% of accounts and 3% of users opted out. */
    public static Options of(long events, long seed) {
      return new Options(events, seed, 7, DEFAULT_START, 0.0005, 0.04, 0.03);
    }
  }

  /**
   * A {@code diagnostics.optional} change, as the §3 event {@code setting.set}.
   *
   * @param scope {@code account} or {@code user:U}
   */
  public record SettingChange(String account, String scope, boolean value, Instant at, String by) {
    public SettingChange {
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(scope, "scope");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(by, "by");
    }
  }

  /**
   * A {@code data_regions.allowed} setting of an account (issue 18): the regions its data may be
   * processed in.
   */
  public record RegionSetting(String account, List<String> allowed, Instant at, String by) {
    public RegionSetting {
      Objects.requireNonNull(account, "account");
      allowed = List.copyOf(allowed);
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(by, "by");
    }
  }

  /**
   * What was generated: the events, the setting changes that govern the optional ones, and the
   * accounts' region settings (a quarter of accounts allow only the regions of their home's
   * continent, e.g. {@code eu-central, eu-west}).
   */
  public record Generated(TelemetryData data, List<SettingChange> settings,
      List<RegionSetting> regions) {
    public Generated {
      Objects.requireNonNull(data, "data");
      settings = List.copyOf(settings);
      regions = List.copyOf(regions);
    }

    /** The generated data without region settings. */
    public Generated(TelemetryData data, List<SettingChange> settings) {
      this(data, settings, List.of());
    }

    /** The region settings as the load plan reads them. */
    public RegionRestrictions restrictions() {
      java.util.Map<String, List<String>> m = new java.util.HashMap<>();
      regions.forEach(r -> m.put(r.account(), r.allowed()));
      return RegionRestrictions.of(m);
    }

    /** The settings as a {@link DiagnosticsConsent}. */
    public InMemoryDiagnosticsConsent consent() {
      InMemoryDiagnosticsConsent c = InMemoryDiagnosticsConsent.create();
      for (SettingChange s : settings) {
        c.settingSet(s.account(), s.scope(), s.value(), s.at().toEpochMilli());
      }
      return c;
    }
  }

  private final RegionGraph graph;

  private TelemetryGenerator(RegionGraph graph) {
    this.graph = graph;
  }

  /** A generator for the regions of {@code graph}. */
  public static TelemetryGenerator create(RegionGraph graph) {
    return new TelemetryGenerator(graph);
  }

  /** Generates telemetry per {@code o}. */
  public Generated generate(Options o, StageProgress progress) {
    SplittableRandom rnd = new SplittableRandom(o.seed());
    long base = o.start().getEpochSecond();
    int span = Math.toIntExact(o.days() * 86_400L);
    int regions = graph.size();
    long[][] localHourStart = localHourStarts(o, base);
    double[][] cumulative = cumulativeHours(o);

    long broken = Math.round(o.events() * o.breakage());
    long unknownTypeRows = broken == 0 ? 0 : Math.max(1, broken / 20);
    long normal = o.events() - unknownTypeRows;
    int accounts = (int) Math.max(20, Math.min(1_000_000, normal / 100));
    double[] weight = new double[accounts];
    double total = 0;
    for (int a = 0; a < accounts; a++) {
      // Pareto(α = 1.4) sizes, capped: a few enterprises, a long tail of small teams
      weight[a] = Math.min(1000, Math.pow(1 - rnd.nextDouble(), -1 / 1.4));
      total += weight[a];
    }
    long[] quota = new long[accounts];
    long assigned = 0;
    for (int a = 0; a < accounts; a++) {
      quota[a] = (long) Math.floor(normal * weight[a] / total);
      assigned += quota[a];
    }
    while (assigned < normal) {
      quota[rnd.nextInt(accounts)]++;
      assigned++;
    }

    List<String> pseudonyms = new ArrayList<>();
    for (int a = 0; a < accounts; a++) {
      pseudonyms.add(pseudonym("a", rnd));
    }
    int[] firstUser = new int[accounts];
    int[] users = new int[accounts];
    for (int a = 0; a < accounts; a++) {
      firstUser[a] = pseudonyms.size();
      users[a] = (int) Math.max(1, Math.min(5_000, Math.round(weight[a] * 3)));
      for (int u = 0; u < users[a]; u++) {
        pseudonyms.add(pseudonym("u", rnd));
      }
    }
    // broken pseudonyms: direct identifiers and a malformed id, referenced by broken rows
    int emailIndex = pseudonyms.size();
    pseudonyms.addAll(Arrays.asList(EMAILS));
    int malformedIndex = pseudonyms.size();
    pseudonyms.add("ACCOUNT 42");

    List<String> regionNames = new ArrayList<>(graph.ids());
    int moon = regionNames.size();
    regionNames.add("moon-1");

    Tables t = new Tables();
    double[] regionCum = new double[regions];
    double rw = 0;
    for (int r = 0; r < regions; r++) {
      rw += graph.regions().get(r).weight();
      regionCum[r] = rw;
    }
    List<SettingChange> settings = new ArrayList<>();
    double breakP = normal == 0 ? 0 : (double) (broken - unknownTypeRows) / normal;
    long done = 0;
    long[] times = new long[16];
    int[] homes = new int[accounts];
    for (int a = 0; a < accounts; a++) {
      int home = pick(regionCum, rnd.nextDouble() * rw);
      homes[a] = home;
      int second = rnd.nextDouble() < 0.1 ? pick(regionCum, rnd.nextDouble() * rw) : home;
      if (rnd.nextDouble() < o.optOutAccounts()) {
        settings.add(new SettingChange(pseudonyms.get(a), "account", false,
            Instant.ofEpochSecond(base + rnd.nextInt(span)), pseudonyms.get(firstUser[a])));
      }
      int optOuts = (int) Math.round(users[a] * o.optOutUsers() * rnd.nextDouble() * 2);
      for (int k = 0; k < optOuts; k++) {
        String u = pseudonyms.get(firstUser[a] + rnd.nextInt(users[a]));
        settings.add(new SettingChange(pseudonyms.get(a), "user:" + u, false,
            Instant.ofEpochSecond(base + rnd.nextInt(span)), u));
      }
      int n = (int) quota[a];
      if (times.length < n) {
        times = new long[Math.max(n, times.length * 2)];
      }
      for (int k = 0; k < n; k++) {
        int r = rnd.nextDouble() < 0.7 ? home : second;
        long at;
        do {
          int slot = pick(cumulative[r], rnd.nextDouble() * cumulative[r][cumulative[r].length - 1]);
          at = localHourStart[r][slot] + rnd.nextInt(3600) - base;
        } while (at < 0 || at >= span);
        times[k] = (at << 8) | r;
      }
      Arrays.sort(times, 0, n);
      for (int k = 0; k < n; k++) {
        int at = (int) (times[k] >>> 8);
        int r = (int) (times[k] & 0xFF);
        int type = pick(TYPE_MIX, rnd.nextDouble());
        int user = firstUser[a] + rnd.nextInt(users[a]);
        t.add(type, a, user, r, at, rnd);
        if (breakP > 0 && rnd.nextDouble() < breakP) {
          t.breakLast(type, rnd, emailIndex, malformedIndex, moon, span);
        }
      }
      done += n;
      if ((a & 255) == 0) {
        progress.update("generate", done, o.events());
      }
    }
    progress.update("generate", o.events(), o.events());

    List<EventTable> tables = t.build();
    if (unknownTypeRows > 0) {
      int rows = (int) unknownTypeRows;
      int[] acc = new int[rows];
      int[] at = new int[rows];
      int[] bytes = new int[rows];
      for (int i = 0; i < rows; i++) {
        acc[i] = i % accounts;
        at[i] = rnd.nextInt(span);
        bytes[i] = rnd.nextInt(1 << 20);
      }
      Arrays.sort(acc);
      tables.add(new EventTable("debug.trace", List.of(
          Column.ints("account", TelemetryData.PSEUDONYMS, acc),
          Column.ints("at", "", at),
          Column.ints("payload_bytes", "", bytes))));
    }
    java.util.Map<String, List<String>> dicts = new java.util.LinkedHashMap<>();
    dicts.put(TelemetryData.PSEUDONYMS, pseudonyms);
    dicts.put(TelemetryData.REGIONS, regionNames);
    dicts.put("network.bandwidth.transport", List.of(TRANSPORT));
    dicts.put("media.quality.device", List.of(DEVICE));
    dicts.put("client.session.os", List.of(OS));
    dicts.put("client.session.client_version", List.of(VERSION));
    dicts.put("meeting.participants.meeting_title", List.of(TITLES));
    dicts.put("meeting.participants.host_email", List.of(EMAILS));
    dicts.put("client.session.client_ip", List.of(IPS));
    settings.sort(java.util.Comparator.comparing(SettingChange::at));
    // A generator of its own, so the events are the same bytes as before region settings existed.
    SplittableRandom regionRnd = new SplittableRandom(o.seed() ^ 0x5EED_0018L);
    List<RegionSetting> regionSettings = new ArrayList<>();
    for (int a = 0; a < accounts; a++) {
      if (regionRnd.nextDouble() < 0.25) {
        String continent = continent(graph.ids().get(homes[a]));
        List<String> allowed = graph.ids().stream().filter(r -> continent(r).equals(continent))
            .sorted().toList();
        regionSettings.add(new RegionSetting(pseudonyms.get(a), allowed,
            Instant.ofEpochSecond(base), pseudonyms.get(firstUser[a])));
      }
    }
    return new Generated(new TelemetryData(base, span, true, dicts, tables), settings,
        regionSettings);
  }

  private static String continent(String region) {
    int dash = region.indexOf('-');
    return dash < 0 ? region : region.substring(0, dash);
  }

  /**
   * Appends the region settings to {@code file} as {@code setting.set} events of
   * {@code data_regions.allowed} at account scope, one JSON line each.
   */
  public static void appendRegionSettings(List<RegionSetting> regions, Path file) {
    ObjectMapper json = new ObjectMapper();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
      for (RegionSetting r : regions) {
        ObjectNode e = json.createObjectNode();
        e.put("type", "setting.set");
        e.put("at", r.at().toString());
        e.put("account", r.account());
        e.put("scope", "account");
        e.put("key", RegionRestrictions.KEY);
        r.allowed().forEach(e.putArray("value")::add);
        e.put("by", r.by());
        w.write(json.writeValueAsString(e));
        w.newLine();
      }
    } catch (IOException e) {
      throw new TelemetryException("io_error", "cannot write `" + file + "`", e);
    }
  }

  /** Writes the setting changes as ARCHITECTURE.md §3 {@code setting.set} events, one JSON line each. */
  public static void writeSettings(List<SettingChange> settings, Path file) {
    ObjectMapper json = new ObjectMapper();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (SettingChange s : settings) {
        ObjectNode e = json.createObjectNode();
        e.put("type", "setting.set");
        e.put("at", s.at().toString());
        e.put("account", s.account());
        e.put("scope", s.scope());
        e.put("key", InMemoryDiagnosticsConsent.KEY);
        e.put("value", s.value());
        e.put("by", s.by());
        w.write(json.writeValueAsString(e));
        w.newLine();
      }
    } catch (IOException e) {
      throw new TelemetryException("io_error", "cannot write `" + file + "`", e);
    }
  }

  /** Epoch second at which each local (day, hour) slot of each region starts; day −1 and +1 pad the window. */
  private long[][] localHourStarts(Options o, long base) {
    int slots = (o.days() + 2) * 24;
    long[][] out = new long[graph.size()][slots];
    LocalDateTime first = LocalDateTime.ofEpochSecond(base, 0, ZoneOffset.UTC).minusDays(1);
    for (int r = 0; r < graph.size(); r++) {
      var zone = graph.regions().get(r).zone();
      for (int s = 0; s < slots; s++) {
        out[r][s] = first.plusHours(s).atZone(zone).toEpochSecond();
      }
    }
    return out;
  }

  private double[][] cumulativeHours(Options o) {
    int slots = (o.days() + 2) * 24;
    LocalDateTime first = LocalDateTime.ofEpochSecond(o.start().getEpochSecond(), 0, ZoneOffset.UTC)
        .minusDays(1);
    double[][] cum = new double[graph.size()][slots];
    for (int r = 0; r < graph.size(); r++) {
      double s = 0;
      for (int k = 0; k < slots; k++) {
        LocalDateTime local = first.plusHours(k);
        int dow = local.getDayOfWeek().getValue();
        double w = WORKDAY[local.getHour()] * (dow >= 6 ? WEEKEND : 1);
        s += w;
        cum[r][k] = s;
      }
    }
    return cum;
  }

  /** The index i with cumulative[i-1] <= x < cumulative[i]. */
  private static int pick(double[] cumulative, double x) {
    int i = Arrays.binarySearch(cumulative, x);
    i = i < 0 ? -i - 1 : i + 1;
    return Math.min(i, cumulative.length - 1);
  }

  private static String pseudonym(String prefix, SplittableRandom rnd) {
    String hex = Long.toHexString(rnd.nextLong());
    return prefix + "-" + "0000000000000000".substring(hex.length()) + hex;
  }

  /** Growable columns of the five platform tables, plus the undeclared columns breakage fills. */
  private static final class Tables {
    final Ints[] account = new Ints[5];
    final Ints[] at = new Ints[5];
    final Bytes[] region = new Bytes[5];
    final Ints user = new Ints();
    final Ints bwUser = new Ints();
    final Ints qUser = new Ints();
    final Ints sUser = new Ints();
    final Ints minutes = new Ints();
    final Bytes mWebinar = new Bytes();
    final Ints participants = new Ints();
    final Bytes pWebinar = new Bytes();
    final Ints pTitle = new Ints();
    final Ints pEmail = new Ints();
    final Ints kbps = new Ints();
    final Bytes transport = new Bytes();
    final Ints jitter = new Ints();
    final Ints loss = new Ints();
    final Ints mos = new Ints();
    final Bytes device = new Bytes();
    final Bytes os = new Bytes();
    final Bytes version = new Bytes();
    final Ints cpu = new Ints();
    final Ints sIp = new Ints();

    Tables() {
      for (int i = 0; i < 5; i++) {
        account[i] = new Ints();
        at[i] = new Ints();
        region[i] = new Bytes();
      }
    }

    void add(int type, int acct, int u, int r, int when, SplittableRandom rnd) {
      account[type].add(acct);
      at[type].add(when);
      region[type].add((byte) r);
      switch (type) {
        case 0 -> {
          boolean webinar = rnd.nextDouble() < 0.01;
          int size = meetingSize(rnd, webinar);
          minutes.add((int) Math.min(60_000, (long) size * (5 + rnd.nextInt(56))));
          mWebinar.add((byte) (webinar ? 1 : 0));
        }
        case 1 -> {
          boolean webinar = rnd.nextDouble() < 0.01;
          participants.add(meetingSize(rnd, webinar));
          pWebinar.add((byte) (webinar ? 1 : 0));
          pTitle.add(Column.NULL_I32);
          pEmail.add(Column.NULL_I32);
        }
        case 2 -> {
          bwUser.add(u);
          boolean audioOnly = rnd.nextDouble() < 0.2;
          double kb = audioOnly ? 60 + rnd.nextInt(80) : Math.exp(7.3 + 0.5 * gaussian(rnd));
          kbps.add((int) Math.min(1_000_000, kb));
          transport.add((byte) (rnd.nextDouble() < 0.85 ? 0 : rnd.nextDouble() < 0.7 ? 2 : 1));
        }
        case 3 -> {
          qUser.add(u);
          jitter.add((int) Math.min(10_000, -20 * Math.log(1 - rnd.nextDouble())));
          loss.add((int) Math.min(1000, -4 * Math.log(1 - rnd.nextDouble())));
          mos.add(rnd.nextDouble() < 0.1 ? Column.NULL_I32 : 300 + rnd.nextInt(151));
          device.add((byte) pick(DEVICE_MIX, rnd.nextDouble()));
        }
        default -> {
          sUser.add(u);
          os.add((byte) pick(OS_MIX, rnd.nextDouble()));
          version.add((byte) pick(VERSION_MIX, rnd.nextDouble()));
          cpu.add(5 + rnd.nextInt(86));
          sIp.add(Column.NULL_I32);
        }
      }
    }

    /** Breaks the last row of {@code type} one of the ways its schema is broken in the wild. */
    void breakLast(int type, SplittableRandom rnd, int email, int malformed, int moon, int span) {
      int last = account[type].size - 1;
      int how = rnd.nextInt(4);
      switch (type) {
        case 0 -> {
          if (how < 2) {
            minutes.set(last, how == 0 ? -5 : 999_999);
          } else if (how == 2) {
            region[0].set(last, (byte) moon);
          } else {
            at[0].set(last, span + 3600);
          }
        }
        case 1 -> {
          if (how < 2) {
            pTitle.set(last, rnd.nextInt(TITLES.length));
          } else if (how == 2) {
            pEmail.set(last, rnd.nextInt(EMAILS.length));
          } else {
            participants.set(last, Column.NULL_I32);
          }
        }
        case 2 -> {
          if (how < 2) {
            bwUser.set(last, email + rnd.nextInt(EMAILS.length));
          } else if (how == 2) {
            region[2].set(last, Column.NULL_U8);
          } else {
            kbps.set(last, -1);
          }
        }
        case 3 -> {
          if (how < 2) {
            qUser.set(last, malformed);
          } else {
            loss.set(last, 5000);
          }
        }
        default -> {
          if (how < 2) {
            sIp.set(last, rnd.nextInt(IPS.length));
          } else {
            os.set(last, (byte) 6);
          }
        }
      }
    }

    List<EventTable> build() {
      List<EventTable> out = new ArrayList<>();
      out.add(new EventTable(TYPES[0], List.of(common(0, "account"), common(0, "region"),
          common(0, "at"), Column.ints("minutes", "", minutes.trim()),
          Column.bytes("webinar", "", mWebinar.trim()))));
      out.add(new EventTable(TYPES[1], List.of(common(1, "account"), common(1, "region"),
          common(1, "at"), Column.ints("participants", "", participants.trim()),
          Column.bytes("webinar", "", pWebinar.trim()),
          Column.ints("meeting_title", "meeting.participants.meeting_title", pTitle.trim()),
          Column.ints("host_email", "meeting.participants.host_email", pEmail.trim()))));
      out.add(new EventTable(TYPES[2], List.of(common(2, "account"),
          Column.ints("user", TelemetryData.PSEUDONYMS, bwUser.trim()), common(2, "region"),
          common(2, "at"), Column.ints("kbps", "", kbps.trim()),
          Column.bytes("transport", "network.bandwidth.transport", transport.trim()))));
      out.add(new EventTable(TYPES[3], List.of(common(3, "account"),
          Column.ints("user", TelemetryData.PSEUDONYMS, qUser.trim()), common(3, "region"),
          common(3, "at"), Column.ints("jitter_ms", "", jitter.trim()),
          Column.ints("packet_loss_permille", "", loss.trim()), Column.ints("mos_x100", "", mos.trim()),
          Column.bytes("device", "media.quality.device", device.trim()))));
      out.add(new EventTable(TYPES[4], List.of(common(4, "account"),
          Column.ints("user", TelemetryData.PSEUDONYMS, sUser.trim()), common(4, "region"),
          common(4, "at"), Column.bytes("os", "client.session.os", os.trim()),
          Column.bytes("client_version", "client.session.client_version", version.trim()),
          Column.ints("cpu_pct", "", cpu.trim()),
          Column.ints("client_ip", "client.session.client_ip", sIp.trim()))));
      return out;
    }

    private Column common(int type, String name) {
      return switch (name) {
        case "account" -> Column.ints("account", TelemetryData.PSEUDONYMS, account[type].trim());
        case "region" -> Column.bytes("region", TelemetryData.REGIONS, region[type].trim());
        default -> Column.ints("at", "", at[type].trim());
      };
    }

    private static int meetingSize(SplittableRandom rnd, boolean webinar) {
      if (webinar) {
        return 50 + (int) Math.min(9_950, 100 * Math.pow(1 - rnd.nextDouble(), -1 / 1.3));
      }
      return (int) Math.min(300, 1 + Math.floor(Math.pow(1 - rnd.nextDouble(), -1 / 1.6) * 2));
    }

    private static double gaussian(SplittableRandom rnd) {
      double u = 1 - rnd.nextDouble();
      double v = rnd.nextDouble();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
  }

  private static final class Ints {
    int[] a = new int[1024];
    int size;

    void add(int v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[size++] = v;
    }

    void set(int i, int v) {
      a[i] = v;
    }

    int[] trim() {
      return Arrays.copyOf(a, size);
    }
  }

  private static final class Bytes {
    byte[] a = new byte[1024];
    int size;

    void add(byte v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[size++] = v;
    }

    void set(int i, byte v) {
      a[i] = v;
    }

    byte[] trim() {
      return Arrays.copyOf(a, size);
    }
  }
}
