package org.covenant.core.terms;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A duty that travels with allowed data, e.g. {@code aggregate_only: {min_group: 10}}
 * (ARCHITECTURE.md §5). Parameters are plain values: strings, longs, doubles, booleans, lists and
 * maps of them.
 *
 * @param name the obligation's key
 * @param params its parameters, in file order
 */
public record Obligation(String name, Map<String, Object> params) {
  /** Validates and copies (keeping order). */
  public Obligation {
    Objects.requireNonNull(name, "name");
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  /** An integer parameter, if present and integral. */
  public java.util.OptionalLong longParam(String key) {
    Object v = params.get(key);
    return v instanceof Number n ? java.util.OptionalLong.of(n.longValue())
        : java.util.OptionalLong.empty();
  }
}
