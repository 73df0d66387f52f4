package org.covenant.training;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What every published dataset build leaves for lineage, whichever engine decided it (the
 * in-process kernel or Spark): its entry in the data directory's {@link LineageRegistry} (with a
 * copy of its {@code accounts.tsv}, which {@code lineage affected} and withdrawal flags read)
 * and its OpenLineage {@code COMPLETE} run event ({@link LineageEvents#datasetBuilt}).
 */
public final class BuildLineage {
  private BuildLineage() {}

  /**
   * Records the build {@code m}, written to {@code datasetDir} from {@code corpus}, in
   * {@code dataDir}'s registry and OpenLineage file (and posts the event to {@code openLineage}
   * when given). Returns the event as JSON.
   */
  public static String record(Path dataDir, DatasetManifest m, Path datasetDir, Path corpus,
      Optional<URI> openLineage, Instant now) {
    return record(LineageRegistry.open(dataDir), dataDir, m, datasetDir, corpus, openLineage,
        now);
  }

  /** As above, the build registered in {@code registry} (in PostgreSQL with {@code --db}). */
  public static String record(LineageRegistry registry, Path dataDir, DatasetManifest m,
      Path datasetDir, Path corpus, Optional<URI> openLineage, Instant now) {
    registry.recordBuild(m, datasetDir);
    return LineageEvents.create(LineageEvents.defaultFile(dataDir), openLineage)
        .datasetBuilt(m, corpus, now);
  }
}
