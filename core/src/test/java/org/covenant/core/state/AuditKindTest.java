package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.covenant.core.vocab.Notice;
import org.junit.jupiter.api.Test;

/**
 * An event's audit kind is read from its type in place (issue 15): the same answers as cutting
 * the family out and switching on it, for every type name and for names built to sit at the
 * edges (no dot, a leading dot, a family that is a prefix or an extension of a known one).
 */
class AuditKindTest {
  private static Optional<String> reference(String type) {
    if (type.contains("hold")) {
      return Optional.of("hold");
    }
    String family = type.substring(0, Math.max(0, type.indexOf('.')));
    return switch (family) {
      case "setting" -> Optional.of("setting");
      case "consent" -> Optional.of("consent");
      case "terms" -> Optional.of("terms");
      case "account", "group", "user" -> Optional.of("membership");
      default -> Optional.empty();
    };
  }

  @Test
  void everyTypeAndEdge_answersAsTheFamilySwitch() {
    List<String> names = new ArrayList<>(List.of("account.created", "terms.accepted",
        "group.created", "user.added", "setting.set", "setting.cleared", "consent.granted",
        "consent.withdrawn", "meeting.started", "meeting.feature", "meeting.ended",
        "participant.joined", "notice.acknowledged", "participant.left", "content.created",
        "content.deleted", "legal_hold.placed", "legal_hold.released", "user.removed", "", ".",
        "setting", "settings.x", "settin.x", "setting.", ".setting", "user", "users.x", "use.x",
        "group.", "terms..x", "x.terms", "accounts.created", "account", "hold", "threshold.x",
        "consent.hold", "user.x.y", "a.b"));
    String[] parts = {"setting", "consent", "terms", "account", "group", "user", "hold", ".",
        "s", "x", "", "meeting"};
    SplittableRandom r = new SplittableRandom(15);
    for (int i = 0; i < 5000; i++) {
      StringBuilder b = new StringBuilder();
      for (int k = r.nextInt(5); k >= 0; k--) {
        b.append(parts[r.nextInt(parts.length)]);
      }
      names.add(b.toString());
    }
    for (String type : names) {
      assertThat(GovernanceState.auditKindOf(type)).as(type).isEqualTo(reference(type));
    }
  }

  @Test
  void noticesAreFoundByTheirIds() {
    for (Notice n : Notice.values()) {
      assertThat(Notice.of(n.id())).contains(n);
      assertThat(n.id()).isEqualTo(n.name().toLowerCase(java.util.Locale.ROOT));
    }
    assertThat(Notice.of("RECORDING")).isEmpty();
    assertThat(Notice.of(null)).isEmpty();
    assertThat(Notice.of("")).isEmpty();
  }
}
