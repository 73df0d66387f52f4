package org.covenant.safety;

import java.util.List;
import java.util.Set;

/**
 * The reviewed invites a training round may learn from, and the lineage of that choice.
 *
 * @param examples confirmed items as {@code spam}, released items as {@code ham}, only those
 *     the {@link TrainingDataGate} allowed, in queue order
 * @param accounts the accounts whose invites are among the examples (for the model's lineage)
 * @param excluded the content ids of reviewed items the gate refused
 */
public record TrainingHarvest(List<LabelledExample> examples, Set<String> accounts,
    List<String> excluded) {
  /** Copies every collection. */
  public TrainingHarvest {
    examples = List.copyOf(examples);
    accounts = Set.copyOf(accounts);
    excluded = List.copyOf(excluded);
  }
}
