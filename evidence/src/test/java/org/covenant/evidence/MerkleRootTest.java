package org.covenant.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.covenant.log.MerkleTree;
import org.junit.jupiter.api.Test;

class MerkleRootTest {
  private static byte[] leaf(int i) {
    return ("c" + i).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void streamedRoot_equalsTheLogsTree_forEverySizeUpTo130() {
    MerkleTree tree = MerkleTree.create();
    MerkleRoot streamed = new MerkleRoot();
    assertThat(streamed.root()).isEqualTo(tree.root());
    for (int n = 1; n <= 130; n++) {
      tree.append(leaf(n - 1));
      streamed.add(leaf(n - 1));
      assertThat(streamed.root()).as("n=%d", n).isEqualTo(tree.root());
      assertThat(MerkleRoot.of(n, MerkleRootTest::leaf)).isEqualTo(tree.root());
    }
  }

  @Test
  void parallelRoot_equalsTheLogsTree_onChunkBoundariesAndOddSizes() {
    int max = (1 << 18) + 12_345;
    MerkleTree tree = MerkleTree.create();
    for (int i = 0; i < max; i++) {
      tree.append(leaf(i));
    }
    for (int n : new int[] {1 << 16, (1 << 16) + 1, 3 << 16, (3 << 16) + 7, 1 << 18, max}) {
      assertThat(MerkleRoot.of(n, MerkleRootTest::leaf)).as("n=%d", n).isEqualTo(tree.root(n));
    }
  }
}
