package tally.store;

import java.time.Instant;

/**
 * What a prune did (or, dry, would do): the raw records stored before {@code before} that were (or
 * would be) deleted. The rollups are never pruned, so reports over that range stay as they were.
 */
public record PruneResult(Instant before, long records, boolean dryRun) {}
