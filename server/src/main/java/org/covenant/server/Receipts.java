package org.covenant.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Issues the signed receipt of a consent change (ARCHITECTURE.md §7: ISO/IEC TS 27560-shaped,
 * signed, with an inclusion proof) for the event at a ledger position, when the data directory
 * has a transparency log that already holds it.
 */
@FunctionalInterface
public interface Receipts {
  /** The receipt for the consent event at {@code position}, if one can be issued now. */
  Optional<ObjectNode> receipt(Namespace namespace, long position);

  /** No receipts (scratch namespaces, servers without a log). */
  static Receipts none() {
    return (ns, position) -> Optional.empty();
  }
}
