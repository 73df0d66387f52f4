package org.covenant.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TilePathsTest {
  @Test
  void indexEncoding_followsTheSpecExamples() {
    assertThat(TilePaths.encodeIndex(1234067)).isEqualTo("x001/x234/067");
    assertThat(TilePaths.encodeIndex(0)).isEqualTo("000");
    assertThat(TilePaths.encodeIndex(7)).isEqualTo("007");
    assertThat(TilePaths.encodeIndex(999)).isEqualTo("999");
    assertThat(TilePaths.encodeIndex(1000)).isEqualTo("x001/000");
    assertThat(TilePaths.encodeIndex(1_000_000)).isEqualTo("x001/x000/000");
  }

  @Test
  void tileAndBundlePaths_markPartialWidths() {
    assertThat(TilePaths.tile(0, 1234067, 256)).isEqualTo("tile/0/x001/x234/067");
    assertThat(TilePaths.tile(1, 5, 17)).isEqualTo("tile/1/005.p/17");
    assertThat(TilePaths.entries(273, 112)).isEqualTo("tile/entries/273.p/112");
    assertThat(TilePaths.entries(3, 256)).isEqualTo("tile/entries/003");
    assertThatThrownBy(() -> TilePaths.tile(0, 0, 0)).isInstanceOf(LogException.class);
    assertThatThrownBy(() -> TilePaths.tile(0, 0, 257)).isInstanceOf(LogException.class);
  }

  @Test
  void bundles_roundTripAndRejectTruncation() {
    List<byte[]> entries = new ArrayList<>();
    entries.add(new byte[0]);
    entries.add("a".getBytes());
    entries.add(new byte[EntryBundle.MAX_ENTRY]);
    byte[] bundle = EntryBundle.encode(entries);
    assertThat(bundle).startsWith(0, 0, 0, 1, 'a', 0xff, 0xff);
    assertThat(EntryBundle.decode(bundle).orThrow()).containsExactlyElementsOf(entries);
    byte[] cut = Arrays.copyOf(bundle, bundle.length - 1);
    assertThat(EntryBundle.decode(cut).code()).isEqualTo("malformed_bundle");
    assertThatThrownBy(() -> EntryBundle.encode(List.of(new byte[EntryBundle.MAX_ENTRY + 1])))
        .isInstanceOf(LogException.class)
        .hasMessageStartingWith("leaf_too_large");
  }
}
