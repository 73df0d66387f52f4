package org.covenant.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReviewJsonTest {
  @Test
  void readOfWrite_isTheSameItem_forAParsedMessageWithEvidence() {
    Message m = MessageParser.create().parse("""
        From: "Pay Pal" <service@paypa1.example>
        Reply-To: x@elsewhere.example
        Subject: =?utf-8?q?Verify_your_account_=E2=9C=94?=
        Content-Type: text/html; charset=utf-8

        <p>Log in <a href="http://10.0.0.1/login">https://www.paypal.com/</a> — ünïcode</p>
        """);
    ScanResult scan = new ScanResult(ScanVerdict.FRAUD, 0.987654, 0.42,
        List.of(new Contribution("subject:verify", 1.25), new Contribution("has:list", -0.5)),
        List.of("10.0.0.1"), List.of(new LinkMismatch("http://10.0.0.1/login", "www.paypal.com",
            "10.0.0.1")), List.of("from_reply_to_mismatch"), List.of("log in"));
    ReviewItem held = new ReviewItem(new Invite("inv-1", "acme", m), scan, ReviewStatus.HELD, "",
        ScanVerdict.FRAUD, Instant.parse("2024-06-01T10:00:00.123Z"));
    assertThat(ReviewJson.read(ReviewJson.write(held))).isEqualTo(held);
    ReviewItem released = new ReviewItem(held.invite(), scan, ReviewStatus.RELEASED, "alice",
        ScanVerdict.CLEAN, held.heldAt());
    assertThat(ReviewJson.read(ReviewJson.write(released))).isEqualTo(released);
    ReviewItem timed = new ReviewItem(held.invite(), scan, ReviewStatus.CONFIRMED, "alice",
        ScanVerdict.SPAM, held.heldAt(), java.util.Optional.of(Instant.parse("2024-06-02T08:30:00Z")));
    assertThat(ReviewJson.write(timed)).contains("\"decided_at\":\"2024-06-02T08:30:00Z\"");
    assertThat(ReviewJson.read(ReviewJson.write(timed))).isEqualTo(timed);
  }

  @Test
  void aBrokenDocument_isAnErrorNamingTheField() {
    assertThatThrownBy(() -> ReviewJson.read("{\"content\":\"c\"}"))
        .isInstanceOf(SafetyException.class)
        .hasMessageContaining("`message`")
        .extracting(e -> ((SafetyException) e).code()).isEqualTo("review_item_invalid");
  }
}
