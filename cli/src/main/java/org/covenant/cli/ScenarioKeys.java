package org.covenant.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.covenant.core.Sha256;
import org.covenant.format.EventJson;
import org.covenant.format.scenario.Scenario;
import org.covenant.format.scenario.ScenarioEvent;

/**
 * Idempotency keys for a scenario's events: {@code scenario:DIGEST:INDEX}, the digest covering
 * every event's wire form. Importing the same events twice appends them once, and
 * {@code scenario run --data} recognises events that {@code ledger import} stored.
 */
final class ScenarioKeys {
  private ScenarioKeys() {}

  static List<String> of(Scenario s) {
    MessageDigest md = Sha256.newDigest();
    for (ScenarioEvent e : s.events()) {
      // EventJson.line is Json.line(EventCodec.toJson(event)) byte for byte, written without a
      // tree per event: the same keys (ScenarioKeysTest), less of the import's CPU.
      md.update(EventJson.line(e.event()).getBytes(StandardCharsets.UTF_8));
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
