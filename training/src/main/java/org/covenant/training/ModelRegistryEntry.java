package org.covenant.training;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A model version in the registry: which dataset builds it was trained on, which accounts were
 * removed from it since, and the consent withdrawals that reached it.
 *
 * @param name the model name
 * @param version 1, 2, …
 * @param builds the dataset builds it was trained on
 * @param file the model file
 * @param countsSha256 SHA-256 of its canonical training counts (equal counts, equal hash)
 * @param created when it was registered
 * @param unlearned accounts whose contribution was removed (none for a fresh training)
 * @param derivedFrom the version it was unlearned from, if any
 * @param flags withdrawals that reached it
 */
public record ModelRegistryEntry(String name, int version, List<String> builds, String file,
    String countsSha256, Instant created, List<String> unlearned, Optional<Integer> derivedFrom,
    List<Flag> flags) {
  /** The status of a version some withdrawal reached and that still holds the account. */
  public static final String RETRAIN_OR_UNLEARN = "retrain_or_unlearn_required";
  /** The status of a version nothing reached. */
  public static final String OK = "ok";
  /**
   * The status of a version whose withdrawals were all resolved by later versions that unlearned
   * the accounts: it still holds their content, so it should no longer be served.
   */
  public static final String SUPERSEDED = "superseded";

  /** Validates and copies. */
  public ModelRegistryEntry {
    Objects.requireNonNull(name, "name");
    builds = List.copyOf(builds);
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(countsSha256, "countsSha256");
    Objects.requireNonNull(created, "created");
    unlearned = List.copyOf(unlearned);
    Objects.requireNonNull(derivedFrom, "derivedFrom");
    flags = List.copyOf(flags);
  }

  /** {@code name@version}. */
  public String id() {
    return name + "@" + version;
  }

  /**
   * {@link #RETRAIN_OR_UNLEARN} while any flag is unresolved, {@link #SUPERSEDED} when every flag
   * was resolved by a later version, else {@link #OK}.
   */
  public String status() {
    if (flags.stream().anyMatch(f -> f.resolvedBy().isEmpty())) {
      return RETRAIN_OR_UNLEARN;
    }
    return flags.isEmpty() ? OK : SUPERSEDED;
  }

  /** Accounts with unresolved withdrawals. */
  public List<String> pendingAccounts() {
    return flags.stream().filter(f -> f.resolvedBy().isEmpty()).map(Flag::account).distinct()
        .sorted().toList();
  }

  /**
   * A consent withdrawal that reached this version.
   *
   * @param account the account that withdrew
   * @param consent the consent withdrawn
   * @param position the ledger position of the {@code consent.withdrawn}
   * @param at when it was withdrawn
   * @param resolvedBy the version that unlearned the account, once one did
   */
  public record Flag(String account, String consent, long position, Instant at,
      Optional<Integer> resolvedBy) {
    /** Validates the fields. */
    public Flag {
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(consent, "consent");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(resolvedBy, "resolvedBy");
    }
  }
}
