package org.covenant.evidence.dsr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.covenant.evidence.DataDirectory;
import org.covenant.evidence.LedgerFeed;
import org.covenant.format.EventCodec;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.store.Ledger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data subject's export bundle: what it holds, and that it verifies until a byte changes. */
class SubjectBundleTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant NOW = Instant.parse("2026-02-01T00:00:00Z");

  /** acme with bob (admin, the subject) and carol; globex with another bob. */
  static final String[] EVENTS = {
    "{'type':'account.created','at':'T0','account':'acme','owner':'alice'}",
    "{'type':'terms.accepted','at':'T0','account':'acme','terms':'default','by':'alice'}",
    "{'type':'user.added','at':'T0','account':'acme','user':'bob','role':'admin'}",
    "{'type':'user.added','at':'T0','account':'acme','user':'carol','role':'member'}",
    "{'type':'account.created','at':'T0','account':'globex','owner':'gina'}",
    "{'type':'user.added','at':'T0','account':'globex','user':'bob','role':'admin'}",
    "{'type':'setting.set','at':'T0','account':'globex','scope':'user:bob',"
        + "'key':'recording.cloud','value':false,'by':'bob'}",
    "{'type':'setting.set','at':'T0','account':'acme','scope':'user:bob',"
        + "'key':'recording.cloud','value':true,'by':'alice'}",
    "{'type':'setting.set','at':'T0','account':'acme','scope':'account',"
        + "'key':'transcription.enabled','value':true,'by':'bob'}",
    "{'type':'consent.granted','at':'T0','account':'acme','consent':'ai_training','by':'bob'}",
    "{'type':'meeting.started','at':'T0','account':'acme','meeting':'m1','host':'bob',"
        + "'features':['recording.cloud']}",
    "{'type':'participant.joined','at':'T0','meeting':'m1','participant':'carol',"
        + "'account':'acme'}",
    "{'type':'notice.acknowledged','at':'T0','meeting':'m1','participant':'carol',"
        + "'notice':'recording'}",
    "{'type':'content.created','at':'T0','content':'c-bob','category':'customer_content.chat',"
        + "'account':'acme','meeting':'m1','author':'bob'}",
    "{'type':'content.created','at':'T0','content':'c-carol',"
        + "'category':'customer_content.chat','account':'acme','meeting':'m1','author':'carol'}",
    "{'type':'meeting.started','at':'T0','account':'acme','meeting':'m2','host':'carol',"
        + "'features':[]}",
    "{'type':'participant.joined','at':'T0','meeting':'m2','participant':'bob',"
        + "'account':'acme'}",
    "{'type':'notice.acknowledged','at':'T0','meeting':'m2','participant':'bob',"
        + "'notice':'recording'}",
    "{'type':'content.created','at':'T0','content':'c-other',"
        + "'category':'customer_content.audio','account':'acme'}",
    "{'type':'meeting.ended','at':'T0','meeting':'m1'}",
  };

  /** A data directory holding {@link #EVENTS}, logged, with bob's consent receipt issued. */
  static void fill(DataDirectory d, Ledger ledger, LedgerFeed feed) {
    for (String e : EVENTS) {
      JsonNode n = Json.parse(e.replace('\'', '"').replace("T0", T0.toString()));
      AppendResult r = ledger.append(Append.of(EventCodec.parse(n, Set.of())));
      assertThat(r).as(e).isInstanceOf(AppendResult.Accepted.class);
    }
    feed.catchUp();
    assertThat(feed.receipt(10, "rcpt-test-", a -> "default")).isPresent();
  }

  static ObjectNode export(DataDirectory d, Ledger ledger, TiledLog log, String account,
      String subject) {
    return SubjectBundle.export(SubjectFacts.collect(ledger, account, subject), log,
        d.signer(), account, subject, NOW, Optional.of("dsr-1"));
  }

  @Test
  void theBundleHoldsEveryFactAboutThePerson_andNoOtherPersonInClear(@TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir).create();
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()), TermsLibrary.builtInCatalog());
        TiledLog log = d.openLog()) {
      LedgerFeed feed = d.feed(log, ledger);
      fill(d, ledger, feed);
      ObjectNode b = export(d, ledger, log, "acme", "bob");
      List<String> relations = new ArrayList<>();
      List<Long> positions = new ArrayList<>();
      b.get("facts").forEach(f -> {
        relations.add(f.get("relation").asText());
        positions.add(f.get("position").asLong());
      });
      // Not globex's bob (positions 6, 7), not carol's own join or acknowledgement (12, 13).
      assertThat(positions).containsExactly(3L, 8L, 9L, 10L, 11L, 14L, 15L, 17L, 18L, 20L);
      assertThat(relations).containsExactly("user_record", "setting", "setting", "consent",
          "meeting_hosted", "content_authored", "content_contributed", "meeting_joined",
          "notice_acknowledged", "meeting_hosted");
      assertThat(b.get("receipts")).hasSize(1);
      assertThat(b.get("receipts").get(0).get("receipt").get("consent_type").asText())
          .isEqualTo("ai_training");
      String text = new String(SubjectBundle.bytes(b), StandardCharsets.UTF_8);
      assertThat(text).doesNotContain("\"carol\"").doesNotContain("\"alice\"")
          .doesNotContain("globex");
      JsonNode setting = b.get("facts").get(1);
      assertThat(setting.get("event").get("scope").asText()).isEqualTo("user:bob");
      assertThat(setting.get("event").get("by").asText()).startsWith("sha256:");
      assertThat(setting.get("pseudonyms").get("scope").asText()).startsWith("user:sha256:");
      assertThat(setting.get("dpv:hasPurpose").asText()).isEqualTo("dpv:LegalCompliance");
      assertThat(b.get("facts").get(5).get("dpv:hasPersonalData").asText()).isEqualTo(
          org.covenant.core.vocab.Vocabulary.category("customer_content.chat").orElseThrow()
              .dpv());
      // The public leaf names no user in clear, not even in a user scope.
      String leaf = new String(log.leaf(setting.get("leaf_index").asLong()),
          StandardCharsets.UTF_8);
      assertThat(leaf).doesNotContain("bob").contains("user:sha256:");
    }
  }

  @Test
  void theBundleVerifiesOffline_withItsKeyOrTheGivenOne(@TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir).create();
    byte[] file;
    String vkey;
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()), TermsLibrary.builtInCatalog());
        TiledLog log = d.openLog()) {
      fill(d, ledger, d.feed(log, ledger));
      file = SubjectBundle.bytes(export(d, ledger, log, "acme", "bob"));
      vkey = d.signer().verifier().keyText();
    }
    assertThat(SubjectBundleVerifier.verify(file, Optional.of(vkey)))
        .isInstanceOfSatisfying(SubjectBundleVerifier.BundleCheck.Verified.class, v -> {
          assertThat(v.facts()).isEqualTo(10);
          assertThat(v.receipts()).isEqualTo(1);
          assertThat(v.keyFromBundle()).isFalse();
        });
    assertThat(SubjectBundleVerifier.verify(file, Optional.empty()))
        .isInstanceOfSatisfying(SubjectBundleVerifier.BundleCheck.Verified.class,
            v -> assertThat(v.keyFromBundle()).isTrue());
    String other = NoteSigner.generate("other.example/log").verifier().keyText();
    assertThat(SubjectBundleVerifier.verify(file, Optional.of(other)))
        .isInstanceOfSatisfying(SubjectBundleVerifier.BundleCheck.Rejected.class,
            r -> assertThat(r.code()).isEqualTo("key_mismatch"));
  }

  @Test
  void changingAnyOneByteFailsVerification(@TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir).create();
    byte[] file;
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()), TermsLibrary.builtInCatalog());
        TiledLog log = d.openLog()) {
      fill(d, ledger, d.feed(log, ledger));
      file = SubjectBundle.bytes(export(d, ledger, log, "acme", "bob"));
    }
    String text = new String(file, StandardCharsets.UTF_8);
    List<Integer> places = new ArrayList<>();
    // Every byte of a stride over the whole file, the last byte (the new line), and one byte in
    // each part that carries meaning: a proof hash, a pseudonym, the checkpoint, a DPV term, a
    // position, the subject, the signature.
    for (int i = 0; i < file.length; i += Math.max(1, file.length / 300)) {
      places.add(i);
    }
    places.add(file.length - 1);
    for (String marker : new String[] {"\"inclusion_proof\":[\"", "\"pseudonyms\":{\"scope\":\"",
        "\"checkpoint\":\"", "dpv:ServiceProvision", "\"position\":1", "\"subject\":\"bob",
        "\"ed25519\":\"", "\"leaf_index\":", "\"relation\":\"consent"}) {
      int at = text.indexOf(marker);
      assertThat(at).as(marker).isNotNegative();
      places.add(at + marker.length() - 1);
      places.add(at + marker.length());
    }
    for (int i : places) {
      for (int bit : new int[] {0x01, 0x20}) {
        byte[] changed = file.clone();
        changed[i] ^= (byte) bit;
        assertThat(SubjectBundleVerifier.verify(changed, Optional.empty()))
            .as("byte %d ^ 0x%02x (%s)", i, bit, text.substring(Math.max(0, i - 20),
                Math.min(text.length(), i + 20)))
            .isInstanceOf(SubjectBundleVerifier.BundleCheck.Rejected.class);
      }
    }
    // Reformatting is a change too.
    byte[] pretty = (Json.pretty(Json.parse(text)) + "\n").getBytes(StandardCharsets.UTF_8);
    assertThat(SubjectBundleVerifier.verify(pretty, Optional.empty()))
        .isInstanceOfSatisfying(SubjectBundleVerifier.BundleCheck.Rejected.class,
            r -> assertThat(r.code()).isEqualTo("not_canonical"));
  }

  @Test
  void aPersonWhoIsNoUserOfTheAccountHasNoFacts(@TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir).create();
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()), TermsLibrary.builtInCatalog());
        TiledLog log = d.openLog()) {
      fill(d, ledger, d.feed(log, ledger));
      SubjectFacts.Found gina = SubjectFacts.collect(ledger, "acme", "gina");
      assertThat(gina.user()).isFalse();
      assertThat(gina.facts()).isEmpty();
      assertThat(SubjectFacts.collect(ledger, "globex", "bob").facts()).extracting(
          SubjectFacts.Fact::position).containsExactly(6L, 7L);
    }
  }
}
