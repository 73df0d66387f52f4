package org.covenant.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the cases a property test exercised, so that a property whose assertions sit in
 * branches cannot pass vacuously: {@link #requireAll} fails naming each case that never occurred
 * (the generator or the property drifted), with the counts of those that did.
 */
final class Cases {
  private final Map<String, Long> seen = new TreeMap<>();

  /** Records one occurrence of a case. */
  void saw(String name) {
    seen.merge(name, 1L, Long::sum);
  }

  /** Records the case when {@code condition} holds; returns the condition. */
  boolean when(boolean condition, String name) {
    if (condition) {
      saw(name);
    }
    return condition;
  }

  /** How often a case occurred. */
  long count(String name) {
    return seen.getOrDefault(name, 0L);
  }

  /** Fails unless every named case occurred at least once. */
  void requireAll(String... names) {
    List<String> missing = new ArrayList<>();
    for (String n : names) {
      if (count(n) == 0) {
        missing.add(n);
      }
    }
    if (!missing.isEmpty()) {
      throw new AssertionError("cases never exercised: " + missing + " (exercised: " + seen
          + "); the property held vacuously for them");
    }
  }
}
