package org.covenant.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.covenant.core.Sha256;
import org.covenant.format.EventCodec;
import org.covenant.format.Json;
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
