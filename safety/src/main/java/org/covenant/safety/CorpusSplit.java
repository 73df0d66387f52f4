package org.covenant.safety;

import java.util.List;

/**
 * How a corpus is divided into the part training may use and the held-out part it is judged
 * on. Two kinds: {@link HoldoutSplit} (a hash of the id: a random 20 %) and {@link TimeSplit}
 * (the newest 20 % of each label by the {@code Date:} header: how the scanner fares on mail newer
 * than anything it learned from).
 *
 * <p>Contract: {@link #train} and {@link #heldOut} partition the records (every record is in
 * exactly one of them, each in its original order), and depend only on the records' content,
 * never on the clock or the machine.
 */
public sealed interface CorpusSplit permits HoldoutSplit, TimeSplit {
  /** The records training may use, in their original order. */
  List<CorpusRecord> train(List<CorpusRecord> records);

  /** The held-out records, in their original order. */
  List<CorpusRecord> heldOut(List<CorpusRecord> records);

  /** For lineage, e.g. {@code covenant-safety-holdout-v1/2000} or {@code time/2000}. */
  String describe();

  /**
   * The split a command-line argument names: {@code random} (the standard hash split),
   * {@code time} ({@link TimeSplit#STANDARD}), or any other text as the salt of a random 20 %
   * split (what {@code --salt} always meant).
   */
  static CorpusSplit parse(String name) {
    return switch (name) {
      case "random" -> HoldoutSplit.STANDARD;
      case "time" -> TimeSplit.STANDARD;
      default -> new HoldoutSplit(name, HoldoutSplit.STANDARD.heldOutPerTenThousand());
    };
  }
}
