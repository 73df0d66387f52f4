package org.covenant.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The verdict rule on a small model trained on synthetic invites. */
class InviteScannerTest {
  private static InviteScanner scanner;

  @BeforeAll
  static void train() {
    List<LabelledExample> examples = new ArrayList<>();
    String[] spam = {"cheap pills buy now limited offer", "win cash prize now claim offer",
        "limited offer cheap cash act now", "claim your prize cash bonus now"};
    String[] ham = {"team meeting agenda for the quarterly review",
        "webinar on data governance with the product team",
        "reminder the review meeting starts at ten", "agenda and slides for the governance talk"};
    for (int k = 0; k < 40; k++) {
      examples.add(new LabelledExample("s" + k,
          Message.of("x@promo.example", "offer " + k, spam[k % 4] + " " + k, List.of()),
          Label.SPAM));
      examples.add(new LabelledExample("h" + k,
          Message.of("host@corp.example", "meeting " + k, ham[k % 4] + " " + k, List.of()),
          Label.HAM));
    }
    ModelTrainer.Options o = new ModelTrainer.Options(ScanModel.Transform.BINARY_L2, 12,
        1L, 5, 0.3, 1e-6, 4, 0.01);
    scanner = InviteScanner.create(ModelTrainer.create(o).train(examples, "synthetic"));
  }

  @Test
  void legitimateInvite_isClean() {
    ScanResult r = scanner.scan(Message.of("host@corp.example", "meeting",
        "agenda for the governance webinar with the team", List.of()));
    assertThat(r.verdict()).isEqualTo(ScanVerdict.CLEAN);
    assertThat(r.score()).isLessThan(r.threshold());
  }

  @Test
  void spamWithoutLure_isSpam_withItsEvidence() {
    ScanResult r = scanner.scan(Message.of("x@promo.example", "offer",
        "cheap cash prize claim now",
        List.of(new Link("http://promo.example/claim", "claim"))));
    assertThat(r.verdict()).isEqualTo(ScanVerdict.SPAM);
    assertThat(r.linkDomains()).containsExactly("promo.example");
    assertThat(r.topFeatures()).isNotEmpty().allMatch(c -> c.weight() != 0)
        .extracting(Contribution::feature).contains("cash");
    assertThat(r.lures()).isEmpty();
  }

  @Test
  void spamWithLureAndMismatchedLink_isFraud() {
    ScanResult r = scanner.scan(Message.of("x@promo.example", "offer",
        "cheap cash prize claim now, verify your account password",
        List.of(new Link("http://203.0.113.9/login", "www.bank.example"))));
    assertThat(r.verdict()).isEqualTo(ScanVerdict.FRAUD);
    assertThat(r.lures()).contains("password", "verify your account");
    assertThat(r.linkMismatches()).containsExactly(
        new LinkMismatch("http://203.0.113.9/login", "www.bank.example", "203.0.113.9"));
  }

  @Test
  void lureAlone_neverFlagsCleanMail() {
    ScanResult r = scanner.scan(Message.of("host@corp.example", "meeting",
        "agenda for the review meeting, the webinar password is in the calendar",
        List.of(new Link("http://203.0.113.9/join", "www.corp.example"))));
    assertThat(r.verdict()).isEqualTo(ScanVerdict.CLEAN);
    assertThat(r.lures()).containsExactly("password");
  }

  @Test
  void lureWithDivertedReplies_isFraud() {
    Message m = MessageParser.create().parse("From: prize@promo.example\n"
        + "Reply-To: agent@elsewhere.example\nSubject: offer\n\n"
        + "cheap cash prize claim now, send the processing fee by western union");
    ScanResult r = scanner.scan(m);
    assertThat(r.verdict()).isEqualTo(ScanVerdict.FRAUD);
    assertThat(r.headerAnomalies()).contains("from_reply_to_mismatch");
  }

  @Test
  void json_carriesTheVerdictAndEvidence() throws Exception {
    ScanResult r = scanner.scan(Message.of("x@promo.example", "offer",
        "cheap cash \"prize\" now", List.of(new Link("http://a.example/", "b.example"))));
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ScanJson.write(r));
    assertThat(tree.get("verdict").asText()).isEqualTo(r.verdict().code());
    assertThat(tree.get("score").asDouble()).isBetween(0.0, 1.0);
    assertThat(tree.get("top_features")).isNotEmpty();
    assertThat(tree.get("link_mismatches").get(0).get("shown_host").asText())
        .isEqualTo("b.example");
  }
}
