package org.covenant.evidence.dsr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.covenant.evidence.DataDirectory;
import org.covenant.evidence.LedgerFeed;
import org.covenant.evidence.Pseudonyms;
import org.covenant.format.EventCodec;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.InclusionProof;
import org.covenant.log.SignedCheckpoint;
import org.covenant.log.TiledLog;
import org.covenant.log.TreeHasher;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.store.Ledger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasing a data subject: their unheld content deleted, held content listed, the user removed,
 * their salt gone; their leaves stay in the log and every proof, old and new, still verifies.
 */
class SubjectErasureTest {
  private static final Instant T1 = Instant.parse("2026-01-02T00:00:00Z");

  private static void append(Ledger ledger, String json) {
    JsonNode n = Json.parse(json.replace('\'', '"'));
    AppendResult r = ledger.append(Append.of(EventCodec.parse(n, Set.of())));
    assertThat(r).as(json).isInstanceOf(AppendResult.Accepted.class);
  }

  @Test
  void erasureDeletesUnheldContent_removesTheUser_andUnlinksTheirLeaves(@TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir).create();
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()), TermsLibrary.builtInCatalog());
        TiledLog log = d.openLog()) {
      LedgerFeed feed = d.feed(log, ledger);
      SubjectBundleTest.fill(d, ledger, feed);
      // bob's second item, outside any meeting; a hold on m1 covers c-bob.
      append(ledger, "{'type':'content.created','at':'" + T1 + "','content':'c-bob-2',"
          + "'category':'customer_content.attachment','account':'acme','author':'bob'}");
      append(ledger, "{'type':'legal_hold.placed','at':'" + T1 + "','account':'acme',"
          + "'hold':'h1','scope':'meeting:m1','matter':'case 7','by':'alice'}");
      feed.catchUp();
      // Ledger position 3 (bob's user.added) is leaf 2.
      String bobBefore = leafField(log, 2, "user");
      assertThat(Json.parse(new String(log.leaf(2), StandardCharsets.UTF_8)).path("position")
          .asLong()).isEqualTo(3);
      SubjectRequests requests = SubjectRequests.create(ledger, log, Optional.of(feed),
          d.signer(), DsrRequests.open(dir), Duration.ofDays(30));
      byte[] before = SubjectBundle.bytes(requests.export("acme", "bob", "alice", T1,
          Optional.empty()).bundle());
      SignedCheckpoint old = log.checkpoint();

      SubjectRequests.Erasure e = requests.erase("acme", "bob", "alice", T1, false,
          Optional.empty());

      assertThat(e.erased().deleted()).containsExactly("c-bob-2");
      assertThat(e.erased().held()).containsExactly("c-bob");
      assertThat(e.erased().saltErased()).isTrue();
      assertThat(e.request().status()).isEqualTo(DsrRequests.Status.COMPLETED_WITH_HOLDS);
      assertThat(e.request().due()).isEqualTo(T1.plus(Duration.ofDays(30)));
      assertThat(requests.register().list(Optional.of("acme"))).extracting(
          DsrRequests.Request::kind).containsExactly(DsrRequests.Kind.EXPORT,
              DsrRequests.Kind.ERASE);
      // The ledger says what happened; the log has logged it under the old salt.
      assertThat(SubjectFacts.collect(ledger, "acme", "bob").removed()).isTrue();
      assertThat(e.erased().removedAt()).isEqualTo(ledger.head() - 1);
      long removal = -1;
      for (long i = 0; i < log.size(); i++) {
        if (Json.parse(new String(log.leaf(i), StandardCharsets.UTF_8)).path("position")
            .asLong() == e.erased().removedAt()) {
          removal = i;
        }
      }
      assertThat(leafField(log, removal, "user")).isEqualTo(bobBefore);
      // Nobody can link the leaves to bob any more: the salt is gone from disk, and a new one
      // gives another pseudonym.
      JsonNode salts = Json.parse(new String(readSalts(dir), StandardCharsets.UTF_8));
      assertThat(salts.path("accounts").path("acme").has("bob")).isFalse();
      assertThat(salts.path("accounts").path("acme").has("carol")).isTrue();
      // globex's bob is another person: his salt stays (see the test below)
      assertThat(salts.path("accounts").path("globex").has("bob")).isTrue();
      assertThat(Pseudonyms.open(dir).of("acme", "bob")).isNotEqualTo(bobBefore);
      // Every leaf, bob's included, is still proven against the new checkpoint, and the
      // bundle exported before the erasure still verifies.
      SignedCheckpoint now = log.checkpoint();
      TreeHasher h = TreeHasher.create();
      for (long i = 0; i < now.size(); i++) {
        InclusionProof p = log.inclusionProof(i, now.size());
        assertThat(p.verify(h.leafHash(log.leaf(i)), now.root())).as("leaf %d", i).isTrue();
      }
      assertThat(log.consistencyProof(old.size(), now.size())
          .verify(old.root(), now.root())).isTrue();
      assertThat(SubjectBundleVerifier.verify(before, Optional.empty()))
          .isInstanceOf(SubjectBundleVerifier.BundleCheck.Verified.class);
      // A removed person is not exported again, nor erased twice.
      assertThatThrownBy(() -> requests.export("acme", "bob", "alice", T1, Optional.empty()))
          .isInstanceOfSatisfying(DataRightsException.class,
              x -> assertThat(x.code()).isEqualTo("subject_erased"));
      assertThatThrownBy(() -> requests.erase("acme", "bob", "alice", T1, false,
          Optional.empty())).isInstanceOfSatisfying(DataRightsException.class,
              x -> assertThat(x.code()).isEqualTo("subject_erased"));
    }
  }

  @Test
  void erasingOneAccountsBob_leavesAnotherAccountsBobLinked_exportedAndVerified(
      @TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir).create();
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()), TermsLibrary.builtInCatalog());
        TiledLog log = d.openLog()) {
      LedgerFeed feed = d.feed(log, ledger);
      SubjectBundleTest.fill(d, ledger, feed);
      // Positions 6 and 7 (leaves 5 and 6) name globex's bob; 3 (leaf 2) acme's bob.
      String globexBob = leafField(log, 5, "user");
      assertThat(leafField(log, 6, "by")).isEqualTo(globexBob);
      assertThat(leafField(log, 2, "user")).isNotEqualTo(globexBob);
      SubjectRequests requests = SubjectRequests.create(ledger, log, Optional.of(feed),
          d.signer(), DsrRequests.open(dir), Duration.ofDays(30));
      assertThat(requests.erase("acme", "bob", "alice", T1, false, Optional.empty()).erased()
          .saltErased()).isTrue();
      Pseudonyms salts = Pseudonyms.open(dir);
      assertThat(salts.links("globex", "bob", globexBob)).isTrue();
      // a meeting's events name their people under the meeting's account (position 12,
      // leaf 11: carol joins acme's m1; position 13: her notice)
      assertThat(salts.links("acme", "carol", leafField(log, 11, "participant"))).isTrue();
      assertThat(salts.links("acme", "carol", leafField(log, 12, "participant"))).isTrue();
      assertThat(salts.links("acme", "bob", leafField(log, 2, "user"))).isFalse();
      // globex's bob is exported with his pseudonyms, and the bundle verifies
      SubjectRequests.Exported x = requests.export("globex", "bob", "gina", T1, Optional.empty());
      byte[] bundle = SubjectBundle.bytes(x.bundle());
      assertThat(SubjectBundleVerifier.verify(bundle, Optional.empty()))
          .isInstanceOf(SubjectBundleVerifier.BundleCheck.Verified.class);
      assertThat(new String(bundle, StandardCharsets.UTF_8)).contains(globexBob);
      // a later event of globex's bob is logged under the same, kept salt
      append(ledger, "{'type':'setting.set','at':'" + T1 + "','account':'globex',"
          + "'scope':'account','key':'transcription.enabled','value':true,'by':'bob'}");
      feed.catchUp();
      long last = -1;
      for (long i = 0; i < log.size(); i++) {
        if (Json.parse(new String(log.leaf(i), StandardCharsets.UTF_8)).path("position")
            .asLong() == ledger.head()) {
          last = i;
        }
      }
      assertThat(leafField(log, last, "by")).isEqualTo(globexBob);
    }
  }

  @Test
  void aDirectoryWithOldFormSalts_opens_exports_verifies_andErases(@TempDir Path dir)
      throws Exception {
    DataDirectory d = DataDirectory.at(dir).create();
    String acmeBob;
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()), TermsLibrary.builtInCatalog());
        TiledLog log = d.openLog()) {
      LedgerFeed feed = d.feed(log, ledger);
      SubjectBundleTest.fill(d, ledger, feed);
      acmeBob = leafField(log, 2, "user");
    }
    // Rewrite the salts as written before salts were per account: a flat salts.json by id
    // (acme's people; a pseudonym is SHA-256(salt || id), so acme's leaves are theirs).
    Pseudonyms.open(dir); // folds the journal into salts.json
    JsonNode keyed = Json.parse(java.nio.file.Files.readString(dir.resolve("keys/salts.json")));
    com.fasterxml.jackson.databind.node.ObjectNode flat = Json.object();
    keyed.path("accounts").path("acme").properties()
        .forEach(e -> flat.put(e.getKey(), e.getValue().asText()));
    java.nio.file.Files.writeString(dir.resolve("keys/salts.json"), Json.line(flat) + "\n");
    java.nio.file.Files.deleteIfExists(dir.resolve("keys/salts.jsonl"));
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()), TermsLibrary.builtInCatalog());
        TiledLog log = d.openLog()) {
      LedgerFeed feed = d.feed(log, ledger);
      assertThat(Pseudonyms.open(dir).links("acme", "bob", acmeBob)).isTrue();
      SubjectRequests requests = SubjectRequests.create(ledger, log, Optional.of(feed),
          d.signer(), DsrRequests.open(dir), Duration.ofDays(30));
      byte[] bundle = SubjectBundle.bytes(requests.export("acme", "bob", "alice", T1,
          Optional.empty()).bundle());
      assertThat(SubjectBundleVerifier.verify(bundle, Optional.empty()))
          .isInstanceOf(SubjectBundleVerifier.BundleCheck.Verified.class);
      assertThat(requests.erase("acme", "bob", "alice", T1, false, Optional.empty()).erased()
          .saltErased()).isTrue();
      // bob's user.removed was logged under a new salt of acme's, then both were erased
      JsonNode after = Json.parse(java.nio.file.Files.readString(dir.resolve("keys/salts.json")));
      assertThat(after.path("legacy").has("bob")).isFalse();
      assertThat(after.path("legacy").has("carol")).isTrue();
      assertThat(after.path("accounts").path("acme").has("bob")).isFalse();
      assertThat(Pseudonyms.open(dir).links("acme", "bob", acmeBob)).isFalse();
    }
  }

  @Test
  void aMemberCannotErase_andAReceivedRequestIsRefusedWithItsCode(@TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir).create();
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()), TermsLibrary.builtInCatalog());
        TiledLog log = d.openLog()) {
      LedgerFeed feed = d.feed(log, ledger);
      SubjectBundleTest.fill(d, ledger, feed);
      SubjectRequests requests = SubjectRequests.create(ledger, log, Optional.of(feed),
          d.signer(), DsrRequests.open(dir), Duration.ofDays(10));
      DsrRequests.Request r = requests.receive("acme", "bob", DsrRequests.Kind.ERASE, "carol",
          T1);
      assertThat(r.status()).isEqualTo(DsrRequests.Status.RECEIVED);
      assertThat(r.overdue(T1.plus(Duration.ofDays(11)))).isTrue();
      assertThatThrownBy(() -> requests.erase("acme", "bob", "carol", T1, false,
          Optional.of(r.id()))).isInstanceOfSatisfying(DataRightsException.class,
              x -> assertThat(x.code()).isEqualTo("not_authorized"));
      DsrRequests.Request after = requests.register().find("acme", r.id()).orElseThrow();
      assertThat(after.status()).isEqualTo(DsrRequests.Status.REFUSED);
      assertThat(after.result().orElseThrow().path("code").asText()).isEqualTo("not_authorized");
      // Nothing was written: bob is still a user, with his salt.
      assertThat(SubjectFacts.collect(ledger, "acme", "bob").removed()).isFalse();
      assertThat(new String(readSalts(dir), StandardCharsets.UTF_8)).contains("\"bob\"");
      assertThatThrownBy(() -> requests.erase("acme", "bob", "alice", T1, false,
          Optional.of(r.id()))).isInstanceOfSatisfying(DataRightsException.class,
              x -> assertThat(x.code()).isEqualTo("request_closed"));
      assertThatThrownBy(() -> requests.receive("acme", "nobody", DsrRequests.Kind.EXPORT,
          "alice", T1)).isInstanceOfSatisfying(DataRightsException.class,
              x -> assertThat(x.code()).isEqualTo("unknown_subject"));
    }
  }

  private static byte[] readSalts(Path dir) {
    try {
      // Salts live in salts.json and, until the next fold, in the journal salts.jsonl.
      java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
      for (String f : new String[] {"keys/salts.json", "keys/salts.jsonl"}) {
        if (java.nio.file.Files.exists(dir.resolve(f))) {
          all.write(java.nio.file.Files.readAllBytes(dir.resolve(f)));
        }
      }
      return all.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String leafField(TiledLog log, long index, String field) {
    return Json.parse(new String(log.leaf(index), StandardCharsets.UTF_8)).path("event")
        .path(field).asText();
  }
}
