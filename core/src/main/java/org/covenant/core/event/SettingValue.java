package org.covenant.core.event;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The value of a setting that is not a boolean (docs/DATA-RIGHTS.md): a whole number
 * ({@code retention.days}) or a set of codes ({@code data_regions.allowed}). Whether the value
 * fits the key is the ledger's question ({@code invalid_value}), not the parser's.
 */
public sealed interface SettingValue {
  /** The wire form: a JSON number or array of strings. */
  Object wire();

  /** A whole number. */
  record Number(long value) implements SettingValue {
    @Override
    public Object wire() {
      return value;
    }

    @Override
    public String toString() {
      return Long.toString(value);
    }
  }

  /** A set of codes, kept sorted and distinct so that equal sets have one form. */
  record Codes(List<String> codes) implements SettingValue {
    /** Sorts, removes duplicates and copies. */
    public Codes {
      Objects.requireNonNull(codes, "codes");
      codes = List.copyOf(new TreeSet<>(codes));
    }

    @Override
    public Object wire() {
      return codes;
    }

    @Override
    public String toString() {
      return codes.toString();
    }
  }
}
