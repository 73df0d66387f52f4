/**
 * The transparency log (ARCHITECTURE.md §7): RFC 9162 Merkle trees and proofs, C2SP signed-note
 * checkpoints and C2SP tlog-tiles, JDK only.
 *
 * <p>{@link org.covenant.log.TiledLog} is a data directory's (or a cluster's) log; {@link
 * org.covenant.log.LogStorage} is where its files live ({@code DIR/log/}, or the {@code log_file}
 * table in cluster mode); {@link org.covenant.log.LogVerifier} audits a published log from its
 * files; {@link org.covenant.log.MerkleTree} is a whole tree in memory, for small trees and as the
 * reference the tiled log is tested against.
 *
 * <p><b>Memory: the frontier and tiles.</b> A {@code TiledLog} does not keep its tree in memory.
 * It keeps the right frontier: for each tile level the partial (rightmost, not yet full) tile with
 * the perfect subtree hashes inside it, at most 8 tiles whatever the size, exactly the partial
 * tiles tlog-tiles publishes. The root of the committed size is folded from the frontier alone,
 * so appending and signing a checkpoint never read storage. Full tiles are immutable: a proof
 * (inclusion, consistency), an older root or a leaf hash reads the full tiles it needs from the
 * storage and keeps them in a bounded least-recently-used cache ({@code TiledLog.DEFAULT_TILE_CACHE}
 * tiles of 16 KB, set per log or with the system property {@code covenant.log.tileCache}, or
 * {@code serve --log-tile-cache}); tiles an append fills enter the cache too, so proofs of recent
 * leaves, what receipts ask for, stay in memory.
 *
 * <p><b>Nothing read is trusted.</b> Opening reads the checkpoint, one partial tile per level and
 * the partial entry bundle, and checks that the partial tiles rebuild the signed root. A full tile
 * read later must hash to its entry in the tile one level up, itself checked the same way, up to
 * the frontier. A missing, short or altered tile is a {@code log_corrupt} error naming its path
 * when a proof needs it; it is never used and never cached. Damage elsewhere is found by {@code
 * covenant log verify} ({@code LogVerifier}), which reads every file.
 *
 * <p><b>Auditing streams too.</b> {@code LogVerifier} reads bundles and tiles in order and
 * rebuilds the tree as its right edge (at most 64 hashes) and one 256-hash buffer per tile level:
 * each tile is compared as the leaves complete it, each kept checkpoint's root is taken when the
 * leaves reach its size. What it holds does not grow with the log (about 10 MB at any size, most
 * of it the bundles hashed in flight, against 64 B per leaf for a whole tree).
 */
package org.covenant.log;
