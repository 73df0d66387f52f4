package org.covenant.telemetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The events of one type, column by column; every column has {@link #rows()} values. */
public final class EventTable {
  private final String type;
  private final int rows;
  private final Map<String, Column> columns;

  /** A table of {@code type} with {@code columns}, all of the same length. */
  public EventTable(String type, List<Column> columns) {
    this.type = Objects.requireNonNull(type, "type");
    this.columns = new LinkedHashMap<>();
    int n = columns.isEmpty() ? 0 : columns.get(0).rows();
    for (Column c : columns) {
      if (c.rows() != n) {
        throw new IllegalArgumentException("column `" + c.name() + "` of `" + type + "` has "
            + c.rows() + " rows, expected " + n);
      }
      if (this.columns.put(c.name(), c) != null) {
        throw new IllegalArgumentException("duplicate column `" + c.name() + "` in `" + type + "`");
      }
    }
    this.rows = n;
  }

  public String type() {
    return type;
  }

  public int rows() {
    return rows;
  }

  /** Columns in file order. */
  public List<Column> columns() {
    return new ArrayList<>(columns.values());
  }

  /** The column named {@code name}. */
  public Optional<Column> column(String name) {
    return Optional.ofNullable(columns.get(name));
  }

  /** The column named {@code name}; its absence is a bug in the caller. */
  public Column require(String name) {
    Column c = columns.get(name);
    if (c == null) {
      throw new TelemetryException("missing_column", "table `" + type + "` has no column `" + name + "`");
    }
    return c;
  }

  /** The rows where {@code keep} is true. */
  EventTable select(boolean[] keep, int kept) {
    List<Column> out = new ArrayList<>();
    for (Column c : columns.values()) {
      out.add(c.select(keep, kept));
    }
    return new EventTable(type, out);
  }

  /** The rows in the order {@code perm}. */
  EventTable permute(int[] perm) {
    List<Column> out = new ArrayList<>();
    for (Column c : columns.values()) {
      out.add(c.permute(perm));
    }
    return new EventTable(type, out);
  }

  /** This table with one column replaced. */
  EventTable with(Column replacement) {
    List<Column> out = new ArrayList<>();
    for (Column c : columns.values()) {
      out.add(c.name().equals(replacement.name()) ? replacement : c);
    }
    return new EventTable(type, out);
  }
}
