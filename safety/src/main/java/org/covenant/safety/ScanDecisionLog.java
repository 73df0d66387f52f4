package org.covenant.safety;

/**
 * Port: where scan batches are recorded as decisions for {@code safety.abuse_scanning}
 * (licensed by clause {@code 10.3(v)} / {@code safety} of the built-in terms, ARCHITECTURE.md
 * §5). The composition root writes each batch as a decision-log record and one transparency log
 * leaf holding {@link ScanBatch#manifestSha256()} (§7).
 */
@FunctionalInterface
public interface ScanDecisionLog {
  /** Records one batch; failures are infrastructure failures (unchecked exceptions). */
  void recordBatch(ScanBatch batch);
}
