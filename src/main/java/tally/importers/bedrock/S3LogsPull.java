package tally.importers.bedrock;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;
import tally.core.Figures;
import tally.importers.ImportSummary;
import tally.importers.Progress;
import tally.ingest.RecordSink;
import tally.pricing.PriceCatalog;
import tally.store.ImportOffsets;
import tally.store.OffsetBook;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code tally import bedrock --s3 s3://bucket/prefix}: the log bucket's objects under a prefix
 * (ListObjectsV2, every page), each log object read with GetObject. The objects read are
 * remembered by key with their size and ETag (import_offsets, kind {@value #KIND}), after their
 * records are stored, so the next pull reads only new (or rewritten) objects.
 */
public final class S3LogsPull {
    public static final String KIND = "bedrock-s3";

    /** A bucket and a key prefix, from {@code s3://bucket/prefix}. */
    public record Location(String bucket, String prefix) {
        public static Location parse(String url) {
            if (url == null || !url.startsWith("s3://")) throw new IllegalArgumentException("--s3: expected s3://bucket/prefix, got '" + url + "'");
            String rest = url.substring("s3://".length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            if (bucket.isEmpty()) throw new IllegalArgumentException("--s3: no bucket in '" + url + "'");
            return new Location(bucket, slash < 0 ? "" : rest.substring(slash + 1));
        }

        String url(String key) {
            return "s3://" + bucket + "/" + key;
        }
    }

    private final S3Client s3;
    private final OffsetBook offsets;
    private final RecordSink writer;
    private final PriceCatalog catalog;
    private final ProfileModels profiles;

    public S3LogsPull(S3Client s3, OffsetBook offsets, RecordSink writer, PriceCatalog catalog) {
        this(s3, offsets, writer, catalog, ProfileModels.NONE);
    }

    /** @param profiles the model behind an application inference profile ARN (Bedrock's GetInferenceProfile) */
    public S3LogsPull(S3Client s3, OffsetBook offsets, RecordSink writer, PriceCatalog catalog,
              ProfileModels profiles) {
        this.s3 = s3;
        this.offsets = offsets;
        this.writer = writer;
        this.catalog = catalog;
        this.profiles = profiles;
    }

    public ImportSummary run(Location where, Progress progress) throws IOException {
        return run(where, progress, null);
    }

    /** @param skipLog where every skipped record goes as it is found, or null */
    public ImportSummary run(Location where, Progress progress, tally.importers.SkipLog skipLog) throws IOException {
        Map<String, ImportOffsets.Offset> known = offsets.load(KIND);
        PulledRecords records = new PulledRecords(writer, catalog, profiles, skipLog);
        long objects = 0, unchanged = 0, lines = 0;
        String token = null;
        do {
            ListObjectsV2Response page = s3.listObjectsV2(ListObjectsV2Request.builder().bucket(where.bucket())
                    .prefix(where.prefix().isEmpty() ? null : where.prefix()).continuationToken(token).build());
            List<ImportOffsets.Offset> read = new ArrayList<>();
            for (S3Object o : page.contents()) {
                if (!LogFiles.isLog(below(where, o.key()))) continue; // the permission check, data/ bodies
                objects++;
                String url = where.url(o.key());
                ImportOffsets.Offset last = known.get(url);
                String etag = o.eTag() == null ? "" : o.eTag();
                long size = o.size() == null ? 0 : o.size();
                if (last != null && last.size() == size && last.fingerprint().equals(etag)) {
                    unchanged++;
                    continue;
                }
                BedrockLogReader.Read n;
                try (ResponseInputStream<GetObjectResponse> body = s3.getObject(GetObjectRequest.builder()
                        .bucket(where.bucket()).key(o.key()).build())) {
                    n = BedrockLogReader.read(body, url, records.skips, records.into(url));
                }
                lines += n.lines();
                // an object whose bytes broke off is read again by the next pull (its records count once)
                if (n.whole()) read.add(new ImportOffsets.Offset(url, size, size, n.lines() + 1, etag));
                progress.update(objects, Figures.grouped(lines) + " lines");
            }
            records.flush();
            offsets.save(KIND, read);
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return records.summary("Bedrock invocation logs from " + where.url(where.prefix()), objects, unchanged, lines);
    }

    /** The key below the prefix's last folder: what the log root is for a folder walked on disk. */
    private static Path below(Location where, String key) {
        String prefix = where.prefix();
        int dir = prefix.lastIndexOf('/') + 1;
        return Path.of(key.startsWith(prefix.substring(0, dir)) ? key.substring(dir) : key);
    }
}
