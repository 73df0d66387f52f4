package org.covenant.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void issuedSecret_isFoundByItself_andStoredOnlyAsItsHash(@TempDir Path dir) throws Exception {
    TokenStore s = TokenStore.open(dir);
    TokenStore.Issued i = s.issue(TokenKind.ACCOUNT, "alice", Optional.of("acme"),
        Optional.of("alice"), List.of(), T0, Optional.empty());
    assertThat(i.secret()).startsWith(TokenStore.PREFIX).hasSizeGreaterThan(40);
    assertThat(s.find(i.secret())).contains(i.token());
    assertThat(s.find(i.secret() + "x")).isEmpty();
    String file = Files.readString(dir.resolve("keys/tokens.json"));
    assertThat(file).doesNotContain(i.secret()).contains(TokenStore.sha256(i.secret()));
    TokenStore reopened = TokenStore.open(dir);
    assertThat(reopened.find(i.secret())).contains(i.token());
  }

  @Test
  void participantToken_keepsItsBindingAcrossReopening_andAlwaysExpires(@TempDir Path dir) {
    TokenStore s = TokenStore.open(dir);
    ParticipantBinding bound = new ParticipantBinding("acme:m1", "pat", Optional.of("initrode"));
    TokenStore.Issued i = s.issueParticipant("participant pat", "acme", bound, T0,
        T0.plusSeconds(3600));
    assertThat(i.token().kind()).isEqualTo(TokenKind.PARTICIPANT);
    assertThat(TokenStore.open(dir).find(i.secret())).contains(i.token());
    assertThat(TokenStore.open(dir).find(i.secret()).orElseThrow().participant())
        .contains(bound);
    assertThat(TokenStore.toJson(i.token()).path("meeting").asText()).isEqualTo("acme:m1");
    assertThatThrownBy(() -> new ApiToken("tok_x", TokenKind.PARTICIPANT, "p",
        Optional.of("acme"), Optional.empty(), List.of(), List.of(), Optional.empty(), T0,
        Optional.empty(), "00", Optional.of(bound)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expires");
    assertThatThrownBy(() -> new ApiToken("tok_y", TokenKind.ACCOUNT, "a",
        Optional.of("acme"), Optional.of("alice"), List.of(), List.of(), Optional.empty(), T0,
        Optional.empty(), "00", Optional.of(bound)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void revokedToken_isNotFound_evenAfterReopening(@TempDir Path dir) {
    TokenStore s = TokenStore.open(dir);
    TokenStore.Issued i = s.issue(TokenKind.SERVICE, "svc", Optional.empty(), Optional.empty(),
        List.of("service.recording"), T0, Optional.empty());
    assertThat(s.revoke(i.token().id())).isTrue();
    assertThat(s.revoke(i.token().id())).isFalse();
    assertThat(s.find(i.secret())).isEmpty();
    assertThat(TokenStore.open(dir).find(i.secret())).isEmpty();
  }

  @Test
  void expiry_isExclusiveOfTheExpiryInstant() {
    TokenStore s = TokenStore.inMemory();
    ApiToken t = s.issue(TokenKind.OPERATOR, "op", Optional.empty(), Optional.empty(),
        List.of(), T0, Optional.of(T0.plusSeconds(60))).token();
    assertThat(t.expiredAt(T0.plusSeconds(59))).isFalse();
    assertThat(t.expiredAt(T0.plusSeconds(60))).isTrue();
  }

  @Test
  void twoSecrets_neverCollide() {
    TokenStore s = TokenStore.inMemory();
    String a = s.issue(TokenKind.OPERATOR, "a", Optional.empty(), Optional.empty(), List.of(),
        T0, Optional.empty()).secret();
    String b = s.issue(TokenKind.OPERATOR, "b", Optional.empty(), Optional.empty(), List.of(),
        T0, Optional.empty()).secret();
    assertThat(a).isNotEqualTo(b);
    assertThat(s.find(a).orElseThrow().name()).isEqualTo("a");
  }

  @Test
  void serviceToken_keepsItsAccountsAndRole_acrossAReopen(@TempDir Path dir) {
    TokenStore s = TokenStore.open(dir);
    TokenStore.Issued i = s.issue(TokenKind.SERVICE, "media", Optional.empty(),
        Optional.empty(), List.of("service.recording"), List.of("acme", "globex"),
        Optional.of(ServiceRole.MEETINGS), T0, Optional.empty());
    ApiToken t = TokenStore.open(dir).find(i.secret()).orElseThrow();
    assertThat(t.accounts()).containsExactly("acme", "globex");
    assertThat(t.role()).contains(ServiceRole.MEETINGS);
  }

  @Test
  void unwritableStore_issuesAndRevokesNothing(@TempDir Path dir) throws Exception {
    TokenStore s = TokenStore.open(dir);
    TokenStore.Issued kept = s.issue(TokenKind.OPERATOR, "op", Optional.empty(),
        Optional.empty(), List.of(), T0, Optional.empty());
    // A non-empty directory where the file goes: the atomic replace fails, even for root.
    Path file = dir.resolve("keys/tokens.json");
    Files.move(file, dir.resolve("tokens.aside"));
    Files.createDirectories(file.resolve("x"));
    assertThatThrownBy(() -> s.issue(TokenKind.OPERATOR, "lost", Optional.empty(),
        Optional.empty(), List.of(), T0, Optional.empty()))
        .hasMessageContaining("tokens.json");
    assertThat(s.list()).extracting(ApiToken::name).containsExactly("op");
    assertThatThrownBy(() -> s.revoke(kept.token().id())).hasMessageContaining("tokens.json");
    assertThat(s.find(kept.secret())).isPresent();
  }
}
