package org.covenant.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The platform's regions (the public partitions of every aggregate: known in advance, never derived
 * from the data) and the latencies between them, as data ({@code regions.yaml}).
 */
public record RegionGraph(List<Region> regions, List<RegionLink> links) {
  /** Resource path of the platform's region graph. */
  public static final String PLATFORM_RESOURCE = "regions.yaml";

  /** One region: its id, the time zone most of its customers live in, its share of accounts. */
  public record Region(String id, ZoneId zone, int weight) {
    public Region {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(zone, "zone");
      if (weight <= 0) {
        throw new IllegalArgumentException("weight must be positive for region `" + id + "`");
      }
    }
  }

  /** An undirected link with its round-trip latency. */
  public record RegionLink(String a, String b, int latencyMs) {
    public RegionLink {
      Objects.requireNonNull(a, "a");
      Objects.requireNonNull(b, "b");
      if (latencyMs <= 0 || a.equals(b)) {
        throw new IllegalArgumentException("bad link `" + a + "`-`" + b + "`");
      }
    }
  }

  public RegionGraph {
    regions = List.copyOf(regions);
    links = List.copyOf(links);
    if (regions.isEmpty() || regions.size() > 127) {
      throw new IllegalArgumentException("between 1 and 127 regions");
    }
    Map<String, Integer> seen = new HashMap<>();
    for (Region r : regions) {
      if (seen.put(r.id(), seen.size()) != null) {
        throw new IllegalArgumentException("duplicate region `" + r.id() + "`");
      }
    }
    for (RegionLink l : links) {
      if (!seen.containsKey(l.a()) || !seen.containsKey(l.b())) {
        throw new IllegalArgumentException("link names an unknown region: `" + l.a() + "`-`" + l.b() + "`");
      }
    }
  }

  /** Number of regions. */
  public int size() {
    return regions.size();
  }

  /** The region ids in partition order. */
  public List<String> ids() {
    return regions.stream().map(Region::id).toList();
  }

  /** Partition index of region {@code id}. */
  public OptionalInt index(String id) {
    for (int i = 0; i < regions.size(); i++) {
      if (regions.get(i).id().equals(id)) {
        return OptionalInt.of(i);
      }
    }
    return OptionalInt.empty();
  }

  /** Latency matrix in ms; {@code -1} where no link exists, 0 on the diagonal. */
  public int[][] latencies() {
    int n = size();
    int[][] m = new int[n][n];
    for (int[] row : m) {
      java.util.Arrays.fill(row, -1);
    }
    for (int i = 0; i < n; i++) {
      m[i][i] = 0;
    }
    for (RegionLink l : links) {
      int a = index(l.a()).orElseThrow();
      int b = index(l.b()).orElseThrow();
      m[a][b] = l.latencyMs();
      m[b][a] = l.latencyMs();
    }
    return m;
  }

  /** The platform's region graph. */
  public static RegionGraph platform() {
    try (InputStream in = RegionGraph.class.getResourceAsStream(PLATFORM_RESOURCE)) {
      if (in == null) {
        throw new TelemetryException("missing_resource", "no resource `" + PLATFORM_RESOURCE + "`");
      }
      return parse(PLATFORM_RESOURCE, in.readAllBytes()).orThrow();
    } catch (IOException e) {
      throw new TelemetryException("io_error", "cannot read `" + PLATFORM_RESOURCE + "`", e);
    }
  }

  /** Reads a region graph file. */
  public static Loaded<RegionGraph> read(Path file) {
    try {
      return parse(file.toString(), Files.readAllBytes(file));
    } catch (IOException e) {
      return Loaded.invalid(file.toString(), "", "cannot read: " + e.getMessage());
    }
  }

  static Loaded<RegionGraph> parse(String file, byte[] bytes) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(bytes);
    } catch (IOException e) {
      return Loaded.invalid(file, "", "not yaml: " + e.getMessage());
    }
    if (root == null || !root.path("regions").isArray()) {
      return Loaded.invalid(file, "regions", "expected a list of regions");
    }
    List<Region> regions = new ArrayList<>();
    for (int i = 0; i < root.get("regions").size(); i++) {
      JsonNode r = root.get("regions").get(i);
      String at = "regions[" + i + "]";
      if (!r.path("id").isTextual()) {
        return Loaded.invalid(file, at + ".id", "expected a string");
      }
      ZoneId zone;
      try {
        zone = ZoneId.of(r.path("zone").asText(""));
      } catch (DateTimeException e) {
        return Loaded.invalid(file, at + ".zone", "unknown time zone `" + r.path("zone").asText("") + "`");
      }
      int weight = r.path("weight").asInt(1);
      if (weight <= 0) {
        return Loaded.invalid(file, at + ".weight", "expected a positive integer");
      }
      regions.add(new Region(r.get("id").textValue(), zone, weight));
    }
    List<RegionLink> links = new ArrayList<>();
    JsonNode ls = root.path("links");
    for (int i = 0; i < ls.size(); i++) {
      JsonNode l = ls.get(i);
      String at = "links[" + i + "]";
      int lat = l.path("latency_ms").asInt(0);
      if (!l.path("a").isTextual() || !l.path("b").isTextual() || lat <= 0) {
        return Loaded.invalid(file, at, "expected {a, b, latency_ms > 0}");
      }
      links.add(new RegionLink(l.get("a").textValue(), l.get("b").textValue(), lat));
    }
    try {
      return Loaded.ok(new RegionGraph(regions, links));
    } catch (IllegalArgumentException e) {
      return Loaded.invalid(file, "links", e.getMessage());
    }
  }
}
