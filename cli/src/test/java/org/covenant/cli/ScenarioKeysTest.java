package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.covenant.core.Sha256;
import org.covenant.format.EventCodec;
import org.covenant.format.Json;
import org.covenant.format.Result;
import org.covenant.format.scenario.Scenario;
import org.covenant.format.scenario.ScenarioEvent;
import org.covenant.format.scenario.ScenarioParser;
import org.junit.jupiter.api.Test;

/**
 * The import's idempotency keys are a digest of the events' wire form: written without a tree
 * they must stay the keys the tree gave, or a file imported before would be appended again.
 */
class ScenarioKeysTest {
  @Test
  void keys_areTheTreeFormsDigest_forEveryScenarioOfBothCorpora() throws Exception {
    List<Path> files = new ArrayList<>(LedgerConformanceTest.corpus());
    files.addAll(LedgerConformanceTest.own());
    int events = 0;
    for (Path f : files) {
      Result<Scenario> parsed = ScenarioParser.read(f);
      if (!(parsed instanceof Result.Ok<Scenario> ok)) {
        continue;
      }
      Scenario s = ok.value();
      events += s.events().size();
      assertThat(ScenarioKeys.of(s)).as(f.toString()).isEqualTo(treeKeys(s));
    }
    assertThat(events).isGreaterThan(500);
  }

  /** The keys as computed before: each event through a Jackson tree. */
  private static List<String> treeKeys(Scenario s) {
    MessageDigest md = Sha256.newDigest();
    for (ScenarioEvent e : s.events()) {
      md.update(Json.line(EventCodec.toJson(e.event())).getBytes(StandardCharsets.UTF_8));
      md.update((byte) '\n');
    }
    String digest = Sha256.hex(md).substring(0, 24);
    List<String> keys = new ArrayList<>();
    for (ScenarioEvent e : s.events()) {
      keys.add("scenario:" + digest + ":" + e.index());
    }
    return keys;
  }
}
