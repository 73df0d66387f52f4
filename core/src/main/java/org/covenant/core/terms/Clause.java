package org.covenant.core.terms;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.covenant.core.vocab.Vocabulary;

/**
 * One clause of a terms version (ARCHITECTURE.md §5). A permit has a basis and {@code when}
 * conditions that must all hold; a forbid has {@code unless} conditions any one of which disables
 * it.
 *
 * @param id unique within its terms version; cited as {@code TERMS#ID}
 * @param title a plain-words title
 * @param effect permit or forbid
 * @param categories category patterns ({@code customer_content.*}, an id, or {@code *})
 * @param purposes purpose patterns
 * @param basis the basis of a permit; empty for a forbid
 * @param when a permit's conditions
 * @param unless a forbid's exceptions
 * @param obligations duties that travel with data a permit allows
 */
public record Clause(
    String id,
    String title,
    Effect effect,
    List<String> categories,
    List<String> purposes,
    Optional<Basis> basis,
    List<Condition> when,
    List<Condition> unless,
    List<Obligation> obligations) {
  /** Validates the shape: permits have a basis and no unless, forbids neither basis nor when. */
  public Clause {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(effect, "effect");
    categories = List.copyOf(categories);
    purposes = List.copyOf(purposes);
    Objects.requireNonNull(basis, "basis");
    when = List.copyOf(when);
    unless = List.copyOf(unless);
    obligations = List.copyOf(obligations);
    if (effect == Effect.PERMIT && basis.isEmpty()) {
      throw new IllegalArgumentException("permit `" + id + "` needs a basis");
    }
    if (effect == Effect.FORBID && (basis.isPresent() || !when.isEmpty())) {
      throw new IllegalArgumentException("forbid `" + id + "` takes neither basis nor when");
    }
    if (effect == Effect.PERMIT && !unless.isEmpty()) {
      throw new IllegalArgumentException("permit `" + id + "` takes no unless");
    }
  }

  /** True when one category pattern and one purpose pattern match. */
  public boolean matches(String category, String purpose) {
    return categories.stream().anyMatch(p -> Vocabulary.matches(p, category))
        && purposes.stream().anyMatch(p -> Vocabulary.matches(p, purpose));
  }

  /** The conditions to check, in the §5 table's order (stable for equal ranks). */
  public List<Condition> conditionsInTableOrder() {
    List<Condition> cs = effect == Effect.PERMIT ? when : unless;
    return cs.stream().sorted(Comparator.comparingInt(Condition::rank)).toList();
  }
}
