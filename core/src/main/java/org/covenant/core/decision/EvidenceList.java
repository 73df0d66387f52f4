package org.covenant.core.decision;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A decision's evidence: distinct ledger positions, ascending, in one {@code long[]}, immutable.
 * A {@code List<Long>} for the API (equal to any list of the same positions), without the boxed
 * {@code Long} per position and the array of them that {@code List.of} needs: those were a fifth
 * of what a decision allocated (issue 15, decision latency). A {@code Long} is made when read.
 */
final class EvidenceList extends AbstractList<Long> implements RandomAccess {
  private final long[] positions;

  /** Takes the array, which nobody else holds. */
  EvidenceList(long[] positions) {
    this.positions = positions;
  }

  @Override
  public Long get(int index) {
    return positions[index];
  }

  @Override
  public int size() {
    return positions.length;
  }
}
