package tally.importers.claudecode;

import tally.core.Source;
import tally.core.UsageEvent;
import tally.importers.LineReader;
import tally.importers.Skips;
import tally.pricing.ModelIds;
import tally.pricing.PriceCatalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads one transcript file from a byte offset up to a size, line by line, and turns its usage
 * lines into records. Says where the next read should start: the first line of the response the
 * file ended on (it may still grow), or a half-written last line.
 */
final class TranscriptFileReader {
    private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

    /** Who and what the records of one file belong to. */
    record FileContext(String displayName, String identity, String project, String sessionFallback,
                       boolean recentlyModified, PriceCatalog catalog, Skips skips, ReadBefore before) {}

    /**
     * What an earlier import read of the file: its first {@code size} bytes, and whether it held back the
     * last answer. A read resumes at the last answer's first line, so it reads some of those lines again.
     */
    record ReadBefore(long size, boolean held) {
        static final ReadBefore NOTHING = new ReadBefore(0, false);
    }

    /** What one read found, and where the next one starts. */
    static final class Result {
        long resumeOffset;
        long resumeLine;
        long lines;
        long records;
        long folded;
        long ignored;
        /** The last answer was kept back (its file is still being written): not yet a record. */
        boolean held;
        /**
         * Usage lines an earlier import read and counted (its duplicates, or the record it stored), read
         * again: taken off this read's duplicates. One less when that import held their answer back,
         * whose record this read is the first to make.
         */
        long seenAgain;
        final Skips skips;
        final Map<String, Long> unpriced = new HashMap<>();

        Result(Skips skips) {
            this.skips = skips;
        }
    }

    private TranscriptFileReader() {}

    static Result read(Path file, long fromOffset, long fromLine, long size, FileContext ctx,
                       Consumer<UsageEvent> sink) throws IOException {
        Result r = new Result(ctx.skips());
        r.resumeOffset = fromOffset;
        r.resumeLine = fromLine;
        SameStrings same = new SameStrings();
        ResponseFolder folder = new ResponseFolder(g -> {
            r.records++;
            sink.accept(event(g, ctx, r, same));
        });
        TranscriptLineParser parser = new TranscriptLineParser();
        long lineNo = fromLine - 1;
        long partialAt = -1;
        long partialLine = -1;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(fromOffset);
            InputStream in = new BoundedStream(Channels.newInputStream(ch), size - fromOffset);
            LineReader lines = new LineReader(in, fromOffset);
            while (lines.next()) {
                lineNo++;
                boolean seen = lines.terminated() && lines.nextOffset() <= ctx.before().size(); // whole when last read
                if (!seen) r.lines++;
                boolean usage = lines.lineLength() > 0 && lines.contains(USAGE);
                Object parsed = null;
                String bad = null;
                if (usage) {
                    try {
                        parsed = parser.parse(lines.buffer(), lines.lineStart(), lines.lineLength());
                    } catch (TranscriptLineParser.Malformed m) {
                        bad = m.getMessage();
                    }
                }
                if (!lines.terminated() && (bad != null || !usage)) { // still being written: read it whole next time
                    partialAt = lines.lineOffset();
                    partialLine = lineNo;
                    r.lines--;
                    continue;
                }
                if (bad != null) {
                    if (!seen) r.skips.add(ctx.displayName(), lineNo, bad); // named by the import that read it
                    continue;
                }
                if (parsed instanceof TranscriptLine line) {
                    folder.add(line, lines.lineOffset(), lineNo);
                    if (seen) r.seenAgain++;
                } else if (parsed == TranscriptLineParser.Result.IGNORED && !seen) {
                    r.ignored++;
                }
            }
            if (ctx.before().held() && r.seenAgain > 0) r.seenAgain--;
            r.resumeOffset = lines.nextOffset();
            r.resumeLine = lineNo + 1;
        }
        ResponseFolder.Group last = folder.last();
        // A provisional answer at the end of a file still being written: its final usage is coming.
        r.held = ctx.recentlyModified() && last != null && last.best.stopReason() == null;
        folder.finish(g -> r.held && g == last);
        if (last != null && last.startOffset < r.resumeOffset) {
            r.resumeOffset = last.startOffset;
            r.resumeLine = last.startLine;
        }
        if (partialAt >= 0 && partialAt < r.resumeOffset) {
            r.resumeOffset = partialAt;
            r.resumeLine = partialLine;
        }
        r.folded = folder.folded();
        return r;
    }

    private static UsageEvent event(ResponseFolder.Group g, FileContext ctx, Result r, SameStrings same) {
        TranscriptLine l = g.best;
        String id = g.key != null ? g.key
                : l.uuid() != null ? "cc:uuid:" + l.uuid()
                : "cc:" + ctx.displayName() + ":" + g.startOffset;
        UsageEvent e = UsageEvent.builder()
                .id(id)
                .time(l.time())
                .source(Source.TRANSCRIPT)
                .provider(provider(l, same))
                .identity(ctx.identity())
                .project(l.cwd() != null ? same.of(l.cwd()) : ctx.project()) // the working directory: project rules map it
                .sessionId(l.sessionId() != null ? same.of(l.sessionId()) : ctx.sessionFallback())
                .requestId(l.requestId())
                .modelId(same.of(l.model()))
                .tokens(l.tokens())
                .webSearches(l.webSearches())
                .fast(l.fast())
                .inferenceGeo(l.inferenceGeo())
                .batch(l.batch())
                .build();
        UsageEvent priced = ctx.catalog().price(e);
        if (!priced.priced()) r.unpriced.merge(priced.model(), 1L, Long::sum);
        return priced;
    }

    /**
     * Who served the line: the model's spelling, else the message id, since in Bedrock and Vertex modes
     * Claude Code writes the first-party model name but keeps the cloud's own message id
     * ({@code msg_bdrk_…}, {@code msg_vrtx_…}); a cloud's record is priced by its own rules.
     */
    private static String provider(TranscriptLine l, SameStrings same) {
        String spelt = same.provider(l.model());
        String id = l.messageId();
        if (!spelt.equals(ModelIds.ANTHROPIC) || id == null) return spelt;
        if (id.startsWith("msg_bdrk_")) return ModelIds.BEDROCK;
        if (id.startsWith("msg_vrtx_")) return ModelIds.VERTEX;
        return spelt;
    }

    /**
     * One copy of the texts every line of a file repeats (session, working directory, model), and
     * each model's provider parsed once: records waiting for the store hold a file's few strings
     * instead of one of each per record. Bounded, for a file of unusually many distinct values.
     */
    private static final class SameStrings {
        private static final int MAX = 1_000;
        private final Map<String, String> strings = new HashMap<>();
        private final Map<String, String> providers = new HashMap<>();

        String of(String s) {
            String known = strings.get(s);
            if (known != null) return known;
            if (strings.size() < MAX) strings.put(s, s);
            return s;
        }

        String provider(String model) {
            String known = providers.get(model);
            if (known != null) return known;
            String p = ModelIds.parse(model).provider();
            if (providers.size() < MAX) providers.put(model, p);
            return p;
        }
    }

    /** Reads no further than the size the file had when the import looked at it. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedStream(InputStream in, long left) {
            this.in = in; // unbuffered: the line reader asks for tens of kilobytes at a time
            this.left = Math.max(0, left);
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int b = in.read();
            if (b >= 0) left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
    }
}
