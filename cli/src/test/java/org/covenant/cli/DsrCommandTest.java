package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.covenant.format.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code covenant dsr}: an export verifies with {@code dsr verify} and fails after any one byte of
 * the file is changed; an erasure deletes the unheld content and lists the held; requests are
 * listed with status and due date.
 */
class DsrCommandTest {
  private static final String LEDGER = """
      {"events":[
       {"type":"account.created","at":"2026-01-01T00:00:00Z","account":"acme","owner":"alice"},
       {"type":"user.added","at":"2026-01-01T00:00:01Z","account":"acme","user":"bob","role":"member"},
       {"type":"consent.granted","at":"2026-01-01T00:00:02Z","account":"acme","consent":"ai_training","by":"alice"},
       {"type":"meeting.started","at":"2026-01-01T00:00:03Z","account":"acme","meeting":"m1","host":"bob","features":[]},
       {"type":"content.created","at":"2026-01-01T00:00:04Z","content":"c-1","category":"customer_content.chat","account":"acme","meeting":"m1","author":"bob"},
       {"type":"content.created","at":"2026-01-01T00:00:05Z","content":"c-2","category":"customer_content.attachment","account":"acme","author":"bob"},
       {"type":"legal_hold.placed","at":"2026-01-01T00:00:06Z","account":"acme","hold":"h1","scope":"meeting:m1","matter":"case 7","by":"alice"}
      ]}""";

  @Test
  void exportVerifiesUntilAByteChanges_thenEraseAndList(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    Path ledger = tmp.resolve("ledger.json");
    Files.writeString(ledger, LEDGER);
    LogWiringTest.Run imported = LogWiringTest.cli("ledger", "import", "--data",
        data.toString(), ledger.toString());
    assertThat(imported.exit()).as(imported.out() + imported.err()).isZero();

    Path bundle = tmp.resolve("bob.json");
    LogWiringTest.Run export = LogWiringTest.cli("dsr", "export", "--data", data.toString(),
        "--account", "acme", "--subject", "bob", "--out", bundle.toString(), "--due-days", "10");
    assertThat(export.exit()).as(export.err()).isZero();
    JsonNode request = export.lastLine();
    assertThat(request.path("status").asText()).isEqualTo("completed");
    assertThat(request.path("result").path("facts").asInt()).isEqualTo(4);

    String vkey = LogWiringTest.cli("log", "key", "--data", data.toString()).out().trim();
    LogWiringTest.Run verified = LogWiringTest.cli("dsr", "verify", bundle.toString(),
        "--key", vkey);
    assertThat(verified.exit()).as(verified.out()).isZero();
    assertThat(verified.lastLine().path("facts").asInt()).isEqualTo(4);

    byte[] original = Files.readAllBytes(bundle);
    String text = new String(original, StandardCharsets.UTF_8);
    Path changed = tmp.resolve("changed.json");
    for (String marker : new String[] {"\"subject\":\"bob\"", "\"inclusion_proof\":[\"",
        "\"checkpoint\":\"", "dpv:", "\"position\":", "\"ed25519\":\""}) {
      int at = text.indexOf(marker) + marker.length() - 2;
      byte[] b = original.clone();
      b[at] ^= 0x01;
      Files.write(changed, b);
      LogWiringTest.Run r = LogWiringTest.cli("dsr", "verify", changed.toString(), "--key", vkey);
      assertThat(r.exit()).as("%s at %d: %s", marker, at, r.out()).isEqualTo(1);
      assertThat(r.lastLine().path("ok").asBoolean()).isFalse();
    }

    LogWiringTest.Run erase = LogWiringTest.cli("dsr", "erase", "--data", data.toString(),
        "--account", "acme", "--subject", "bob", "--by", "alice");
    assertThat(erase.exit()).as(erase.out() + erase.err()).isZero();
    JsonNode erased = erase.lastLine();
    assertThat(erased.path("status").asText()).isEqualTo("completed_with_holds");
    assertThat(erased.path("result").path("deleted").get(0).asText()).isEqualTo("c-2");
    assertThat(erased.path("result").path("held").get(0).asText()).isEqualTo("c-1");
    // The bundle exported before still verifies: the erasure broke no proof.
    assertThat(LogWiringTest.cli("dsr", "verify", bundle.toString(), "--key", vkey).exit())
        .isZero();
    assertThat(LogWiringTest.cli("log", "verify", "--data", data.toString()).exit()).isZero();
    LogWiringTest.Run again = LogWiringTest.cli("dsr", "export", "--data", data.toString(),
        "--account", "acme", "--subject", "bob");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.lastLine().path("code").asText()).isEqualTo("subject_erased");

    LogWiringTest.Run list = LogWiringTest.cli("dsr", "list", "--data", data.toString(),
        "--account", "acme");
    assertThat(list.exit()).isZero();
    java.util.List<JsonNode> lines = list.out().lines().map(Json::parse).toList();
    assertThat(lines).extracting(n -> n.path("kind").asText()).containsExactly("export", "erase");
    assertThat(lines.get(0).path("due").asText()).isNotEmpty();
  }
}
