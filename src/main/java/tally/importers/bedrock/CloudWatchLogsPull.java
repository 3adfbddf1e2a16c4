package tally.importers.bedrock;

import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import tally.core.Figures;
import tally.importers.ImportSummary;
import tally.importers.Progress;
import tally.ingest.RecordSink;
import tally.pricing.PriceCatalog;
import tally.store.ImportOffsets;
import tally.store.OffsetBook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code tally import bedrock --cloudwatch LOG_GROUP}: the invocation log group, read with
 * FilterLogEvents page by page. After each page is stored, the time of the newest event read is
 * remembered (import_offsets, kind {@value #KIND}, path {@code logs:<group>}); the next pull starts
 * {@link #LOOKBACK} before it, because CloudWatch may deliver an event after later ones. What is read
 * twice is the same {@code requestId}, so it counts once.
 */
public final class CloudWatchLogsPull {
    public static final String KIND = "bedrock-cloudwatch";
    static final Duration LOOKBACK = Duration.ofMinutes(15);

    private final CloudWatchLogsClient logs;
    private final OffsetBook offsets;
    private final RecordSink writer;
    private final PriceCatalog catalog;
    private final ProfileModels profiles;

    public CloudWatchLogsPull(CloudWatchLogsClient logs, OffsetBook offsets, RecordSink writer, PriceCatalog catalog) {
        this(logs, offsets, writer, catalog, ProfileModels.NONE);
    }

    /** @param profiles the model behind an application inference profile ARN (Bedrock's GetInferenceProfile) */
    public CloudWatchLogsPull(CloudWatchLogsClient logs, OffsetBook offsets, RecordSink writer, PriceCatalog catalog,
              ProfileModels profiles) {
        this.logs = logs;
        this.offsets = offsets;
        this.writer = writer;
        this.catalog = catalog;
        this.profiles = profiles;
    }

    /** @param since the earliest event to read (null: from where the last pull stopped, else the group's start) */
    public ImportSummary run(String group, Instant since, Progress progress) {
        return run(group, since, progress, null);
    }

    /** As {@link #run(String, Instant, Progress)}, every skipped record written to {@code skipLog} (or null) too. */
    public ImportSummary run(String group, Instant since, Progress progress, tally.importers.SkipLog skipLog) {
        String key = "logs:" + group;
        ImportOffsets.Offset last = offsets.load(KIND).get(key);
        long start = since == null ? 0 : since.toEpochMilli();
        if (last != null) start = Math.max(start, last.resumeOffset() - LOOKBACK.toMillis());
        PulledRecords records = new PulledRecords(writer, catalog, profiles, skipLog);
        long newest = last == null ? 0 : last.resumeOffset();
        long seen = last == null ? 0 : last.size();
        long events = 0, pages = 0;
        String token = null;
        do {
            FilterLogEventsResponse page = logs.filterLogEvents(FilterLogEventsRequest.builder()
                    .logGroupName(group).startTime(start).nextToken(token).build());
            List<FilteredLogEvent> got = page.events();
            BedrockLogReader.RecordSink sink = records.into(key);
            for (FilteredLogEvent e : got) {
                events++;
                BedrockLogReader.event(e.message(), e.timestamp(), key, events, records.skips, sink);
                if (e.timestamp() != null) newest = Math.max(newest, e.timestamp());
            }
            pages++;
            if (!got.isEmpty()) { // CloudWatch may answer a page with no events while it scans on
                seen += got.size();
                records.flush();
                offsets.save(KIND, List.of(new ImportOffsets.Offset(key, seen, newest, 0, "")));
            }
            progress.update(pages, Figures.grouped(events) + " events");
            token = page.nextToken();
        } while (token != null && !token.isEmpty());
        return records.summary("Bedrock invocation logs from CloudWatch Logs " + group, pages, 0, events);
    }
}
