package org.covenant.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The regions each account allows its data to be processed in (issue 18,
 * {@code data_regions.allowed} at account level; absent = every region), as the telemetry load plan
 * needs them: an account's load never moves to a region it does not allow. Read from the same
 * §3 events file as the diagnostics settings ({@code setting.set} / {@code setting.cleared} of
 * {@code data_regions.allowed} at scope {@code account}, in file order; other events are skipped).
 */
public final class RegionRestrictions {
  /** The setting's key. */
  public static final String KEY = "data_regions.allowed";

  private final Map<String, List<String>> allowed;

  private RegionRestrictions(Map<String, List<String>> allowed) {
    this.allowed = Map.copyOf(allowed);
  }

  /** No account restricts anything. */
  public static RegionRestrictions none() {
    return new RegionRestrictions(Map.of());
  }

  /** Restrictions from account pseudonym to its allowed region ids. */
  public static RegionRestrictions of(Map<String, List<String>> allowed) {
    Map<String, List<String>> sorted = new HashMap<>();
    allowed.forEach((a, r) -> sorted.put(a, List.copyOf(new TreeSet<>(r))));
    return new RegionRestrictions(sorted);
  }

  /** The regions {@code account} allows, empty when it allows every region. */
  public Optional<List<String>> allowed(String account) {
    return Optional.ofNullable(allowed.get(account));
  }

  /** How many accounts restrict their regions. */
  public int restrictedAccounts() {
    return allowed.size();
  }

  /** Reads the restrictions of a JSON-lines (or JSON array) events file. */
  public static Loaded<RegionRestrictions> read(Path file) {
    Map<String, List<String>> out = new HashMap<>();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      StringBuilder all = new StringBuilder();
      for (String line; (line = r.readLine()) != null; ) {
        all.append(line).append('\n');
      }
      String text = all.toString().strip();
      List<JsonNode> events = new ArrayList<>();
      if (text.startsWith("[")) {
        json.readTree(text).forEach(events::add);
      } else {
        for (String line : text.split("\n")) {
          if (!line.isBlank()) {
            events.add(json.readTree(line));
          }
        }
      }
      for (int i = 0; i < events.size(); i++) {
        JsonNode e = events.get(i);
        if (!KEY.equals(e.path("key").asText()) || !"account".equals(e.path("scope").asText())) {
          continue;
        }
        String account = e.path("account").asText();
        if (e.path("type").asText().equals("setting.cleared")) {
          out.remove(account);
          continue;
        }
        JsonNode v = e.path("value");
        if (!v.isArray() || v.isEmpty()) {
          return Loaded.invalid(file.toString(), "[" + i + "].value",
              "data_regions.allowed must be a non-empty array of region codes");
        }
        List<String> regions = new ArrayList<>();
        v.forEach(x -> regions.add(x.asText()));
        out.put(account, regions);
      }
      return Loaded.ok(of(out));
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      return Loaded.invalid(file.toString(), "", "not json: " + e.getOriginalMessage());
    } catch (IOException e) {
      return Loaded.invalid(file.toString(), "", "cannot read: " + e.getMessage());
    }
  }
}
