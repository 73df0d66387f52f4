/**
 * Trust and safety scanning of webinar invites and reminders (ISSUE 9): the scanner, its model,
 * the review queue and the ports through which governance reaches them.
 *
 * <h2>Layers</h2>
 * <ul>
 *   <li>parse: {@link org.covenant.safety.MessageParser} turns raw RFC 5322 / MIME text into a
 *       {@link org.covenant.safety.Message} (JDK only);
 *   <li>score: {@link org.covenant.safety.InviteScanner} with a
 *       {@link org.covenant.safety.ScanModel} gives a {@link org.covenant.safety.ScanResult}
 *       ({@code clean | spam | fraud}, score, evidence); JSON via
 *       {@link org.covenant.safety.ScanJson};
 *   <li>learn: {@link org.covenant.safety.ModelTrainer} (deterministic, seeded) and
 *       {@link org.covenant.safety.CorpusPipeline} over a {@link org.covenant.safety.Corpus} and
 *       its {@link org.covenant.safety.CorpusSplit} (random
 *       {@link org.covenant.safety.HoldoutSplit} or drift {@link org.covenant.safety.TimeSplit});
 *   <li>govern: {@link org.covenant.safety.InviteScreening} logs each batch through the
 *       {@link org.covenant.safety.ScanDecisionLog} port as one {@code safety.abuse_scanning}
 *       decision and holds flagged invites in the {@link org.covenant.safety.ReviewQueue}
 *       (persistence port {@link org.covenant.safety.ReviewStore}); reviewed invites reach a
 *       training round only through the {@link org.covenant.safety.TrainingDataGate} port.
 * </ul>
 *
 * <h2>For the server: review queue routes (proposed)</h2>
 * Wire one {@code ReviewQueue} (over a {@code ReviewStore}) and one {@code InviteScreening} in
 * the composition root; the gate asks the decision engine for {@code ai.training} on the
 * content, the log writes a decision record and one transparency-log leaf per batch.
 * <pre>
 * POST /v1/safety/scan                 body: raw message (message/rfc822) or
 *                                      {"content","account","sender","subject","body","links"}
 *                                      → 200 ScanJson object (+ "content" when given)
 * GET  /v1/safety/review               → 200 [{content, account, verdict, score, status}]
 *                                      (queue.held(), oldest first)
 * GET  /v1/safety/review/{content}     → 200 item with the full ScanJson evidence | 404
 * POST /v1/safety/review/{content}/release            → 200 item | 404 unknown_item |
 *                                                         409 already_reviewed
 * POST /v1/safety/review/{content}/confirm {"verdict": "spam"|"fraud"}
 *                                      → 200 item | 404 | 409 | 400 bad_verdict
 * GET  /v1/safety/training-harvest     → 200 {examples: n, accounts: [...], excluded: [...]}
 * </pre>
 * The reviewer is the authenticated caller. {@link org.covenant.safety.ReviewOutcome.Refused}
 * codes map to problem documents (RFC 9457) with the same {@code code}.
 */
package org.covenant.safety;
