package org.covenant.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryDiagnosticsConsentTest {
  private static long ms(String at) {
    return Instant.parse(at).toEpochMilli();
  }

  @Test
  void ceilingMode_anyLevelOff_isOff_andClearingRestoresTheDefault(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("events.jsonl");
    Files.writeString(f, String.join("\n",
        "{\"type\":\"account.created\",\"at\":\"2026-03-02T08:00:00Z\",\"account\":\"acme\",\"owner\":\"alice\"}",
        "{\"type\":\"user.added\",\"at\":\"2026-03-02T08:01:00Z\",\"account\":\"acme\",\"user\":\"bob\",\"role\":\"member\",\"group\":\"sales\"}",
        "{\"type\":\"setting.set\",\"at\":\"2026-03-02T09:00:00Z\",\"account\":\"acme\",\"scope\":\"group:sales\",\"key\":\"diagnostics.optional\",\"value\":false,\"by\":\"alice\"}",
        "{\"type\":\"setting.set\",\"at\":\"2026-03-02T09:30:00Z\",\"account\":\"acme\",\"scope\":\"user:bob\",\"key\":\"diagnostics.optional\",\"value\":true,\"by\":\"bob\"}",
        "{\"type\":\"setting.set\",\"at\":\"2026-03-02T09:40:00Z\",\"account\":\"acme\",\"scope\":\"account\",\"key\":\"recording.cloud\",\"value\":false,\"by\":\"alice\"}",
        "{\"type\":\"setting.cleared\",\"at\":\"2026-03-02T10:00:00Z\",\"account\":\"acme\",\"scope\":\"group:sales\",\"key\":\"diagnostics.optional\",\"by\":\"alice\"}",
        ""));
    InMemoryDiagnosticsConsent c = InMemoryDiagnosticsConsent.read(f).orThrow();
    assertThat(c.optionalAllowed("acme", "bob", ms("2026-03-02T08:59:59Z"))).isTrue();
    // a user's true cannot lift the group's false (ceiling)
    assertThat(c.optionalAllowed("acme", "bob", ms("2026-03-02T09:45:00Z"))).isFalse();
    assertThat(c.optionalAllowed("acme", "dave", ms("2026-03-02T09:45:00Z"))).isTrue();
    assertThat(c.optionalAllowed("acme", "bob", ms("2026-03-02T10:00:00Z"))).isTrue();
    assertThat(c.optionalAllowed("other", "bob", ms("2026-03-02T10:00:00Z"))).isTrue();
  }

  @Test
  void badEvent_isInvalidInputNamingLineAndField(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.jsonl");
    Files.writeString(f, "{\"type\":\"setting.set\",\"at\":\"yesterday\",\"account\":\"acme\",\"key\":\"diagnostics.optional\",\"value\":false}\n");
    Loaded<InMemoryDiagnosticsConsent> l = InMemoryDiagnosticsConsent.read(f);
    assertThat(l).isInstanceOf(Loaded.Invalid.class);
    assertThat(((Loaded.Invalid<InMemoryDiagnosticsConsent>) l).problem().field()).isEqualTo("line 1.at");
  }
}
