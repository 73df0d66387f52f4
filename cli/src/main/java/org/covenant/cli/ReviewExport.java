package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.covenant.format.Json;
import org.covenant.safety.InMemoryReviewStore;
import org.covenant.safety.ReviewItem;
import org.covenant.safety.ReviewJson;
import org.covenant.safety.ReviewQueue;
import org.covenant.safety.ReviewStatus;
import org.covenant.safety.SafetyException;
import org.covenant.safety.TrainingDataGate;
import org.covenant.safety.TrainingHarvest;
import org.covenant.store.DocumentTable;
import org.covenant.store.LedgerConfig;
import org.covenant.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code covenant scan reviews --data DIR --out FILE}: the reviewed invites of a server's review
 * queue ({@code DIR/safety/reviews.db}) as content records for {@code corpus import}: one line per
 * confirmed or released invite, {@code {"content", "category":
 * "customer_content.webinar_invite", "account", "at": held at, "contributors": [account]}}.
 * Held invites are left out (no outcome yet). The next governed round is then
 * {@code corpus import FILE --out C --data DIR} and
 * {@code scan train --governed DIR --invites-corpus C --reviews}: the consent-filtered
 * {@code dataset build} decides which of them training may read, as for any customer content.
 */
@Command(name = "reviews", mixinStandardHelpOptions = true,
    description = "Write the reviewed invites of DIR's review queue as content records for "
        + "`corpus import` (the next governed training round's invites); prints a JSON summary.")
final class ReviewExport implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR",
      description = "The server's data directory (review queue in DIR/safety/reviews.db).")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "FILE.jsonl")
  Path out;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      List<ReviewItem> reviewed = reviewed(data);
      List<String> lines = new ArrayList<>();
      int spam = 0;
      for (ReviewItem i : reviewed) {
        ObjectNode o = Json.object();
        o.put("content", i.contentId());
        o.put("category", "customer_content.webinar_invite");
        o.put("account", i.invite().accountId());
        o.put("at", i.heldAt().toString());
        o.putArray("contributors").add(i.invite().accountId());
        lines.add(Json.line(o));
        spam += i.status() == ReviewStatus.CONFIRMED ? 1 : 0;
      }
      Files.write(out, lines, StandardCharsets.UTF_8);
      ObjectNode summary = Json.object();
      summary.put("out", out.toString());
      summary.put("reviewed", reviewed.size());
      summary.put("confirmed", spam);
      summary.put("released", reviewed.size() - spam);
      PrintWriter o = spec.commandLine().getOut();
      o.println(Json.line(summary));
      o.flush();
      return 0;
    } catch (IOException e) {
      return ScanCommand.fail(err, "cannot write `" + out + "`: " + e.getMessage(), 1);
    } catch (SafetyException e) {
      return ScanCommand.fail(err, e);
    } catch (StoreException e) {
      return ScanCommand.fail(err, e.code() + ": " + e.getMessage(), 1);
    }
  }

  /** Every confirmed or released item of every account in DIR's review queue, account order. */
  static List<ReviewItem> reviewed(Path data) {
    Path file = data.resolve("safety").resolve(ReviewJson.TABLE + ".db");
    if (!Files.isRegularFile(file)) {
      throw new SafetyException("reviews_not_found",
          "no review queue in `" + data + "`: `" + file + "` does not exist");
    }
    List<ReviewItem> out = new ArrayList<>();
    try (DocumentTable t = DocumentTable.open(LedgerConfig.sqlite(data.resolve("safety")),
        ReviewJson.TABLE)) {
      for (String account : t.scopes()) {
        for (String doc : t.all(account)) {
          ReviewItem i = ReviewJson.read(doc);
          if (i.status() != ReviewStatus.HELD) {
            out.add(i);
          }
        }
      }
    }
    return out;
  }

  /**
   * The training examples of DIR's reviewed invites that {@code gate} allows, through the review
   * queue's own harvest (confirmed → spam, released → ham).
   */
  static TrainingHarvest harvest(Path data, TrainingDataGate gate) {
    InMemoryReviewStore store = InMemoryReviewStore.create();
    reviewed(data).forEach(store::put);
    return ReviewQueue.create(store, gate).trainingExamples();
  }
}
