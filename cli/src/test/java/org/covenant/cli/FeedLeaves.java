package org.covenant.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.evidence.LedgerFeed;
import org.covenant.evidence.Pseudonyms;
import org.covenant.log.FileKeyStore;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;

/**
 * The leaves the evidence module's {@link LedgerFeed} derives from a data directory's ledger, computed afresh:
 * a new feed into a scratch log, with a copy of the directory's salts (so the data directory under
 * test is only read).
 */
final class FeedLeaves {
  private FeedLeaves() {}

  /** Leaf {@code i} of the result is the feed's leaf of ledger position {@code i + 1}. */
  static List<byte[]> derive(Path data, Path scratch, TermsCatalog catalog) throws IOException {
    Path salts = data.resolve("keys").resolve("salts.json");
    Files.createDirectories(scratch.resolve("keys"));
    if (Files.exists(salts)) {
      Files.copy(salts, scratch.resolve("keys").resolve("salts.json"));
    }
    Path journal = data.resolve("keys").resolve("salts.jsonl");
    if (Files.exists(journal)) {
      Files.copy(journal, scratch.resolve("keys").resolve("salts.jsonl"));
    }
    NoteSigner signer = FileKeyStore.loadOrCreate(scratch, "scratch.test/log");
    try (Ledger ledger = Ledger.open(LedgerConfig.sqlite(data), catalog);
        TiledLog log = TiledLog.open(scratch, signer)) {
      LedgerFeed.create(log, signer, ledger, Pseudonyms.open(scratch)).catchUp();
      List<byte[]> leaves = new ArrayList<>();
      for (long i = 0; i < log.size(); i++) {
        leaves.add(log.leaf(i));
      }
      return leaves;
    }
  }
}
