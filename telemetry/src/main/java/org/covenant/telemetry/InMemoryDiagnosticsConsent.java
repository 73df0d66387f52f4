package org.covenant.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link DiagnosticsConsent} over an in-memory timeline of ARCHITECTURE.md §3 events: it keeps the
 * {@code setting.set} and {@code setting.cleared} events of {@code diagnostics.optional} and the
 * group of each {@code user.added}, and answers §4 ceiling mode: the AND of the values set at the
 * account, the user's group and the user, each as of the instant asked, {@code true} when none is set.
 * Events are assumed accepted (the core rejects the others); other event types are ignored. For
 * tools and tests; the platform's own implementation reads the core's projection.
 */
public final class InMemoryDiagnosticsConsent implements DiagnosticsConsent {
  /** The setting this port is about. */
  public static final String KEY = "diagnostics.optional";

  /** One account's timelines, by level; lookups allocate nothing. */
  private static final class Account {
    final TreeMap<Long, Boolean> account = new TreeMap<>();
    final Map<String, TreeMap<Long, Boolean>> groups = new HashMap<>();
    final Map<String, TreeMap<Long, Boolean>> users = new HashMap<>();
    final Map<String, String> userGroup = new HashMap<>();

    TreeMap<Long, Boolean> timeline(String scope) {
      if (scope.equals("account")) {
        return account;
      }
      if (scope.startsWith("group:")) {
        return groups.computeIfAbsent(scope.substring(6), k -> new TreeMap<>());
      }
      if (scope.startsWith("user:")) {
        return users.computeIfAbsent(scope.substring(5), k -> new TreeMap<>());
      }
      throw new IllegalArgumentException("scope `" + scope + "` is not account, group:G or user:U");
    }
  }

  private final Map<String, Account> accounts = new HashMap<>();

  private InMemoryDiagnosticsConsent() {}

  /** An empty timeline: everything allowed until a setting is recorded. */
  public static InMemoryDiagnosticsConsent create() {
    return new InMemoryDiagnosticsConsent();
  }

  /** Records {@code setting.set} of {@code diagnostics.optional} at {@code scope} ({@code account}, {@code group:G}, {@code user:U}). */
  public InMemoryDiagnosticsConsent settingSet(String account, String scope, boolean value, long epochMillis) {
    accounts.computeIfAbsent(account, k -> new Account()).timeline(scope).put(epochMillis, value);
    return this;
  }

  /** Records {@code setting.cleared} of {@code diagnostics.optional} at {@code scope}. */
  public InMemoryDiagnosticsConsent settingCleared(String account, String scope, long epochMillis) {
    // a null value marks "unset from here on"; TreeMap allows null values
    accounts.computeIfAbsent(account, k -> new Account()).timeline(scope).put(epochMillis, null);
    return this;
  }

  /** Records that {@code user} of {@code account} is in {@code group} (from {@code user.added}). */
  public InMemoryDiagnosticsConsent userAdded(String account, String user, String group) {
    accounts.computeIfAbsent(account, k -> new Account()).userGroup.put(user, group);
    return this;
  }

  @Override
  public boolean optionalAllowed(String account, String user, long epochMillis) {
    Account a = accounts.get(account);
    if (a == null) {
      return true;
    }
    // ceiling mode: any level that set false at that instant makes it false
    if (Boolean.FALSE.equals(at(a.account, epochMillis))) {
      return false;
    }
    if (user.isEmpty()) {
      return true;
    }
    String g = a.userGroup.get(user);
    if (g != null && Boolean.FALSE.equals(at(a.groups.get(g), epochMillis))) {
      return false;
    }
    return !Boolean.FALSE.equals(at(a.users.get(user), epochMillis));
  }

  private static Boolean at(TreeMap<Long, Boolean> t, long epochMillis) {
    if (t == null) {
      return null;
    }
    Map.Entry<Long, Boolean> e = t.floorEntry(epochMillis);
    return e == null ? null : e.getValue();
  }

  /**
   * Reads §3 events from a JSON array or JSON lines file; events other than {@code user.added},
   * {@code setting.set} and {@code setting.cleared} of {@code diagnostics.optional} are skipped.
   */
  public static Loaded<InMemoryDiagnosticsConsent> read(Path file) {
    InMemoryDiagnosticsConsent c = create();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = r.readLine();
      if (first == null) {
        return Loaded.ok(c);
      }
      if (first.strip().startsWith("[")) {
        StringBuilder all = new StringBuilder(first).append('\n');
        for (String line; (line = r.readLine()) != null; ) {
          all.append(line).append('\n');
        }
        JsonNode arr = json.readTree(all.toString());
        for (int i = 0; i < arr.size(); i++) {
          String problem = c.apply(arr.get(i));
          if (problem != null) {
            return Loaded.invalid(file.toString(), "[" + i + "]." + problem, "invalid event");
          }
        }
        return Loaded.ok(c);
      }
      int lineNo = 1;
      for (String line = first; line != null; line = r.readLine(), lineNo++) {
        if (line.isBlank()) {
          continue;
        }
        String problem = c.apply(json.readTree(line));
        if (problem != null) {
          return Loaded.invalid(file.toString(), "line " + lineNo + "." + problem, "invalid event");
        }
      }
      return Loaded.ok(c);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      return Loaded.invalid(file.toString(), "", "not json: " + e.getOriginalMessage());
    } catch (IOException e) {
      return Loaded.invalid(file.toString(), "", "cannot read: " + e.getMessage());
    }
  }

  private static boolean scope(JsonNode e) {
    String s = e.path("scope").asText("account");
    return s.equals("account") || s.startsWith("group:") && s.length() > 6
        || s.startsWith("user:") && s.length() > 5;
  }

  /** Applies one event; returns the name of the offending field, or null. */
  private String apply(JsonNode e) {
    String type = e.path("type").asText("");
    if (!type.equals("user.added") && !KEY.equals(e.path("key").asText(""))) {
      return null;
    }
    String account = e.path("account").asText("");
    if (account.isEmpty()) {
      return "account";
    }
    long at;
    try {
      at = Instant.parse(e.path("at").asText("")).toEpochMilli();
    } catch (DateTimeParseException ex) {
      return "at";
    }
    switch (type) {
      case "user.added" -> {
        if (e.hasNonNull("group")) {
          userAdded(account, e.path("user").asText(""), e.get("group").asText());
        }
      }
      case "setting.set" -> {
        if (!e.path("value").isBoolean()) {
          return "value";
        }
        if (!scope(e)) {
          return "scope";
        }
        settingSet(account, e.path("scope").asText("account"), e.get("value").booleanValue(), at);
      }
      case "setting.cleared" -> {
        if (!scope(e)) {
          return "scope";
        }
        settingCleared(account, e.path("scope").asText("account"), at);
      }
      default -> {
        return null;
      }
    }
    return null;
  }
}
