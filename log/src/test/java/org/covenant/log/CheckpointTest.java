package org.covenant.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointTest {
  // The example of C2SP tlog-checkpoint.
  static final String SPEC_TEXT =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

  @Test
  void specExample_parsesAndPrintsBackIdentically() {
    Checkpoint c = Checkpoint.parse(SPEC_TEXT).orThrow();
    assertThat(c.origin()).isEqualTo("example.com/behind-the-sofa");
    assertThat(c.size()).isEqualTo(20852163L);
    assertThat(c.root().base64()).isEqualTo("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
    assertThat(c.extensions()).isEmpty();
    assertThat(c.text()).isEqualTo(SPEC_TEXT);
  }

  @Test
  void extensionLines_areKept() {
    String text = SPEC_TEXT + "ext one\next two\n";
    Checkpoint c = Checkpoint.parse(text).orThrow();
    assertThat(c.extensions()).containsExactly("ext one", "ext two");
    assertThat(c.text()).isEqualTo(text);
  }

  @Test
  void malformedTexts_failAsValues() {
    String root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
    for (String bad :
        List.of(
            "origin\n12\n",
            "origin\n012\n" + root + "\n",
            "origin\n-1\n" + root + "\n",
            "origin\n1 2\n" + root + "\n",
            "origin\n99999999999999999999\n" + root + "\n",
            "\n12\n" + root + "\n",
            "origin\n12\n" + root,
            "origin\n12\nAAAA\n",
            "origin\n12\n" + root + "\n\n")) {
      assertThat(Checkpoint.parse(bad).code()).as("`%s`", bad).isEqualTo("malformed_checkpoint");
    }
    assertThat(Checkpoint.parse("o\n0\n" + root + "\n").orThrow().size()).isZero();
  }

  @Test
  void signedCheckpoint_opensOnlyWithItsKey() {
    NoteSigner signer = NoteSigner.generate("covenant.test/log");
    Checkpoint c = Checkpoint.of("covenant.test/log", 3, TreeHasher.emptyRoot());
    SignedCheckpoint signed = SignedCheckpoint.sign(c, signer);
    assertThat(SignedCheckpoint.open(signed.note(), signer.verifier()).orThrow()).isEqualTo(signed);
    NoteVerifier stranger = NoteSigner.generate("covenant.test/log").verifier();
    assertThat(SignedCheckpoint.open(signed.note(), stranger).code()).isEqualTo("unverified_note");
  }
}
