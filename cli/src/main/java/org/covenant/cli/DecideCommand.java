package org.covenant.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.ValuedSetting;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.AnswerJson;
import org.covenant.format.Json;
import org.covenant.format.Result;
import org.covenant.store.Ledger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code covenant decide}: one decision over the persisted ledger (ARCHITECTURE.md §5). */
@Command(
    name = "decide",
    mixinStandardHelpOptions = true,
    description = {
      "May this purpose use this content at this time? Prints the decision as one JSON object:",
      "verdict, reason, reasons, basis, clauses, obligations, evidence (ledger positions),",
      "policy_revision. A denial is an answer (exit 0), not an error.",
      "",
      "Exit codes: 0 decided, 2 invalid input or the ledger cannot be read.",
      "",
      "Example: covenant decide --data ./data --purpose ai.training --content rec-1 "
          + "--at 2024-05-01T00:00:00Z"
    })
public final class DecideCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin LedgerOptions ledger;

  @Option(names = "--purpose", required = true, paramLabel = "P",
      description = "A purpose id, e.g. service.recording or ai.training.")
  String purpose;

  @Option(names = "--content", required = true, paramLabel = "C", description = "A content id.")
  String content;

  @Option(names = "--at", paramLabel = "T",
      description = "The time of use, RFC 3339 (default: now).")
  Optional<String> at;

  @Option(names = "--region", paramLabel = "R",
      description = "The data-centre region where the processing runs, e.g. eu-west: customer "
          + "content whose account does not allow it denies region_not_allowed "
          + "(docs/DATA-RIGHTS.md).")
  Optional<String> region;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<Purpose> p = Vocabulary.purpose(purpose);
    if (p.isEmpty()) {
      err.println("covenant: unknown purpose `" + purpose + "` (see `covenant taxonomy export`)");
      err.flush();
      return 2;
    }
    Instant when;
    try {
      when = at.isPresent() ? Json.instant(at.get(), "at") : Instant.now();
    } catch (RuntimeException e) {
      err.println("covenant: invalid input: --at: " + e.getMessage());
      err.flush();
      return 2;
    }
    if (region.isPresent() && !ValuedSetting.regionCode(region.get())) {
      err.println("covenant: invalid input: --region: `" + region.get() + "` is not a region "
          + "code (lowercase letters, digits and hyphens, starting with a letter, at most 32)");
      err.flush();
      return 2;
    }
    Result<TermsCatalog> catalog = ledger.catalog();
    if (catalog instanceof Result.Failed<TermsCatalog> f) {
      err.print(LedgerOptions.describe(f.problems()));
      err.flush();
      return 2;
    }
    TermsCatalog terms = ((Result.Ok<TermsCatalog>) catalog).value();
    try (Ledger l = ledger.open(terms)) {
      DecisionEngine engine = DecisionEngine.create(terms);
      out.println(Json.line(AnswerJson.decision(
          engine.decide(l.snapshot(), new DecisionRequest(p.get(), content, when, region)))));
    }
    out.flush();
    return 0;
  }
}
