package tally.importers.bedrock;

import tally.core.Figures;
import tally.core.Source;
import tally.core.UsageEvent;
import tally.importers.Fingerprint;
import tally.importers.ImportSummary;
import tally.importers.Progress;
import tally.importers.SkipLog;
import tally.importers.Skips;
import tally.ingest.IngestStats;
import tally.ingest.RecordSink;
import tally.pricing.PriceCatalog;
import tally.store.ImportOffsets;
import tally.store.OffsetBook;
import tally.store.StoreException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tally import bedrock}: model invocation logs from files or folders (an S3 sync of the log
 * bucket, CloudWatch Logs exports). One record per {@code requestId}: the same invocation delivered
 * to both S3 and CloudWatch, or imported twice, counts once. A file unchanged since the last import
 * is not read again.
 */
public final class BedrockImporter {
    public static final String KIND = "bedrock";

    private final OffsetBook offsets;
    private final RecordSink writer;
    private final PriceCatalog catalog;
    private final SkipLog skipLog;

    public BedrockImporter(OffsetBook offsets, RecordSink writer, PriceCatalog catalog) {
        this(offsets, writer, catalog, null);
    }

    /** @param skipLog where every skipped line goes as it is found, or null (the summary keeps the first few) */
    public BedrockImporter(OffsetBook offsets, RecordSink writer, PriceCatalog catalog, SkipLog skipLog) {
        this.skipLog = skipLog;
        this.offsets = offsets;
        this.writer = writer;
        this.catalog = catalog;
    }

    public ImportSummary run(List<Path> paths, Progress progress) throws IOException {
        Skips skips = new Skips(skipLog);
        List<Path> files = LogFiles.find(paths, skips);
        Map<String, ImportOffsets.Offset> known = offsets.load(KIND);
        progress.total(files.size());
        IngestStats before = writer.stats();
        Map<String, Long> unpriced = new HashMap<>();
        List<ImportOffsets.Offset> reached = new ArrayList<>();
        long lines = 0, unchanged = 0, done = 0;
        for (Path file : files) {
            String key = file.toAbsolutePath().normalize().toString();
            progress.update(++done, Figures.grouped(lines) + " lines");
            try {
                long size = Files.size(file);
                String fp = Fingerprint.of(file, size);
                ImportOffsets.Offset last = known.get(key);
                if (last != null && last.size() == size && last.fingerprint().equals(fp)) {
                    unchanged++;
                    continue;
                }
                BedrockLogReader.Read read = BedrockLogReader.read(file, key, skips, sink(key, regionOf(file), skips, unpriced));
                lines += read.lines();
                // a file whose bytes broke off (a cut or corrupt gzip) is not marked read: the next import reads it
                // again and names it again, and the records it gave count once
                if (read.whole()) reached.add(new ImportOffsets.Offset(key, size, size, read.lines() + 1, fp));
            } catch (IOException e) {
                skips.add(key, 0, "cannot read: " + e.getMessage()); // gone since the walk, or not ours to read
            }
        }
        if (!writer.flush(Duration.ofHours(6))) {
            throw new StoreException("the store did not take the imported records; they stay in the spool and are written on the next run");
        }
        offsets.save(KIND, reached);
        IngestStats after = writer.stats();
        return new ImportSummary("Bedrock invocation logs", files.size(), unchanged, lines, after.added() - before.added(),
                after.duplicates() - before.duplicates(), 0, skips.count(), skips.first(), unpriced);
    }

    /** Where a file's records go: priced and submitted, or a counted skip with the file and line. */
    private BedrockLogReader.RecordSink sink(String key, String fileRegion, Skips skips, Map<String, Long> unpriced) {
        return (node, line, ts) -> {
            try {
                UsageEvent e = event(InvocationRecord.of(node, ts), fileRegion);
                if (!e.priced()) unpriced.merge(e.model(), 1L, Long::sum);
                writer.submit(e);
            } catch (InvocationRecord.Invalid invalid) {
                skips.add(key, line, invalid.getMessage());
            }
        };
    }

    private UsageEvent event(InvocationRecord r, String fileRegion) {
        UsageEvent e = UsageEvent.builder()
                .id("bedrock:" + r.requestId())
                .time(r.time())
                .source(Source.PROVIDER_LOG)
                .provider("bedrock")
                // the caller's full ARN: reports resolve an assumed role by its ARN, role or session name
                .identity(r.arn() == null ? "unknown" : r.arn())
                .project(r.project())
                .region(r.region() != null ? r.region() : fileRegion)
                .requestId(r.requestId())
                .modelId(r.modelId())
                .tokens(r.tokens())
                .status(r.status())
                .build();
        return catalog.price(e);
    }

    /**
     * The region in an S3 log object's key ({@code AWSLogs/<account>/BedrockModelInvocationLogs/<region>/…}),
     * for records that do not name theirs; null elsewhere (a CloudWatch export, a file of its own).
     */
    static String regionOf(Path file) {
        Path p = file.toAbsolutePath().normalize();
        for (int i = 0; i + 1 < p.getNameCount() - 1; i++) {
            if (p.getName(i).toString().equals("BedrockModelInvocationLogs")) {
                String region = p.getName(i + 1).toString();
                return region.matches("[a-z]{2}(-[a-z]+)+-\\d+") ? region : null;
            }
        }
        return null;
    }
}
