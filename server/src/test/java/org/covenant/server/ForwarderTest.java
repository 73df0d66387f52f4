package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The parts of the router that need no cluster. */
class ForwarderTest {
  /**
   * An owner's refusal of its part of a split decision batch names the client's item: the part
   * held the client's items 4, 1 and 7, so its item 2 is the client's 7.
   */
  @Test
  void aPartsRefusalNamesTheClientsItem() {
    List<Integer> idx = List.of(4, 1, 7);
    assertThat(Forwarder.remapped("requests[2].purpose", idx)).isEqualTo("requests[7].purpose");
    assertThat(Forwarder.remapped("requests[0]", idx)).isEqualTo("requests[4]");
    assertThat(Forwarder.remapped("requests[1].at", idx)).isEqualTo("requests[1].at");
    // Fields of the batch itself, and an index the part did not have, are left as they are.
    assertThat(Forwarder.remapped("region", idx)).isEqualTo("region");
    assertThat(Forwarder.remapped("requests", idx)).isEqualTo("requests");
    assertThat(Forwarder.remapped("requests[3].at", idx)).isEqualTo("requests[3].at");
  }
}
