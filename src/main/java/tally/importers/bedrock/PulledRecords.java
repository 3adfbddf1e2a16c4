package tally.importers.bedrock;

import tally.core.Source;
import tally.core.UsageEvent;
import tally.importers.ImportSummary;
import tally.importers.Skips;
import tally.ingest.IngestStats;
import tally.ingest.RecordSink;
import tally.pricing.PriceCatalog;
import tally.store.StoreException;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The records of one pull from AWS (CloudWatch Logs or S3), priced and written as {@code import bedrock}
 * writes the same records from files: one record per {@code requestId}, whichever way it came.
 */
final class PulledRecords {
    private final RecordSink writer;
    private final PriceCatalog catalog;
    private final ProfileModels profiles;
    private final IngestStats before;
    final Skips skips;
    private final Map<String, Long> unpriced = new HashMap<>();

    PulledRecords(RecordSink writer, PriceCatalog catalog, ProfileModels profiles, tally.importers.SkipLog skipLog) {
        this.skips = new Skips(skipLog);
        this.writer = writer;
        this.profiles = profiles;
        this.catalog = catalog;
        this.before = writer.stats();
    }

    /** A reader's sink for records from {@code name} (an S3 key, a log group). */
    BedrockLogReader.RecordSink into(String name) {
        return (node, line, ts) -> {
            try {
                UsageEvent e = event(InvocationRecord.of(node, ts));
                if (!e.priced()) unpriced.merge(e.model(), 1L, Long::sum);
                writer.submit(e);
            } catch (InvocationRecord.Invalid invalid) {
                skips.add(name, line, invalid.getMessage());
            }
        };
    }

    /** Everything submitted is stored; only then may the caller remember how far it read. */
    void flush() {
        if (!writer.flush(Duration.ofHours(6))) {
            throw new StoreException("the store did not take the pulled records; they stay in the spool and are written on the next run");
        }
    }

    ImportSummary summary(String what, long objects, long unchanged, long lines) {
        IngestStats after = writer.stats();
        return new ImportSummary(what, objects, unchanged, lines, after.added() - before.added(),
                after.duplicates() - before.duplicates(), 0, skips.count(), skips.first(), unpriced);
    }

    private UsageEvent event(InvocationRecord r) {
        UsageEvent e = UsageEvent.builder()
                .id("bedrock:" + r.requestId()) // the same id as a file import's: copies count once
                .time(r.time())
                .source(Source.PROVIDER_LOG)
                .provider("bedrock")
                .identity(r.arn() == null ? "unknown" : r.arn()) // the full ARN; aliases resolve it when reading
                .project(r.project())
                .requestId(r.requestId())
                .modelId(modelId(r.modelId()))
                .tokens(r.tokens())
                .status(r.status())
                .build();
        return catalog.price(e);
    }

    /**
     * An application inference profile ARN names no model: the record is priced by the model the
     * profile runs (looked up), unless the catalog (an override file) already knows the ARN.
     */
    private String modelId(String id) {
        if (!ProfileModels.isApplicationProfile(id) || catalog.resolve(id).known()) return id;
        String behind = profiles.modelIdOf(id);
        return behind != null ? behind : id;
    }
}
