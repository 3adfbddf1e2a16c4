package tally.importers.claudecode;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Folds the lines of one API response into one record. Claude Code writes a response as one line
 * per content block, each repeating its usage, and some versions first write a provisional usage
 * ({@code output_tokens:1}, no stop reason). Like ccusage, the copy with the larger token total wins,
 * whole: its time and session are the record's, as when the copies sit in different files (between
 * equal copies the first stays, so a read that starts again at the response's first line makes the
 * same record).
 *
 * <p>Memory stays constant: only the last few responses are open (lines of one response are
 * adjacent, give or take an interleaved sidechain), older ones are emitted.
 */
final class ResponseFolder {
    static final int OPEN = 32;

    /** One response being folded: its best line and where its first line starts. */
    static final class Group {
        /** The response's record id ({@link #idOf}), or null for a line with nothing to fold on. */
        final String key;
        final long startOffset;
        final long startLine;
        TranscriptLine best;

        Group(String key, TranscriptLine line, long startOffset, long startLine) {
            this.key = key;
            this.best = line;
            this.startOffset = startOffset;
            this.startLine = startLine;
        }
    }

    private final LinkedHashMap<String, Group> open = new LinkedHashMap<>();
    private final Consumer<Group> emit;
    private Group last;
    private long folded;
    // the key of the line before: lines of one response share their ids' String objects (the parser's doing)
    private TranscriptLine keyedLine;
    private String lastKey;

    ResponseFolder(Consumer<Group> emit) {
        this.emit = emit;
    }

    void add(TranscriptLine line, long offset, long lineNo) {
        String key = keyOf(line);
        if (key == null) { // nothing to fold on: a record of its own
            Group g = new Group(null, line, offset, lineNo);
            emit.accept(g);
            last = null;
            return;
        }
        Group g = open.get(key);
        if (g != null) {
            folded++;
            if (better(line, g.best)) g.best = line;
            last = g;
            return;
        }
        g = new Group(key, line, offset, lineNo);
        open.put(key, g);
        last = g;
        if (open.size() > OPEN) {
            Iterator<Map.Entry<String, Group>> it = open.entrySet().iterator();
            emit.accept(it.next().getValue());
            it.remove();
        }
    }

    private String keyOf(TranscriptLine line) {
        TranscriptLine before = keyedLine;
        keyedLine = line;
        if (before != null && before.messageId() == line.messageId() && before.requestId() == line.requestId()) return lastKey;
        lastKey = idOf(line);
        return lastKey;
    }

    /**
     * "cc:" and the key ccusage dedupes on (message id, and request id when there is one: one API
     * response, however many lines and copies it was written as); null without a message id. The
     * response's record id, made once per response and used as the fold key too.
     */
    static String idOf(TranscriptLine line) {
        String m = line.messageId(), r = line.requestId();
        if (m == null) return null;
        return r == null ? "cc:" + m : "cc:" + m + ':' + r; // the JDK's concatenation: one array of the exact size
    }

    /** ccusage's rule: non-sidechain over sidechain, then the larger total, then the one in fast mode. */
    static boolean better(TranscriptLine a, TranscriptLine b) {
        if (a.sidechain() != b.sidechain()) return !a.sidechain();
        if (a.totalTokens() != b.totalTokens()) return a.totalTokens() > b.totalTokens();
        return a.fast() && !b.fast();
    }

    /**
     * The response the file ended on: it may still grow (more blocks, the final usage), so the next
     * read starts again at its first line. Null when the file's last usage line stands alone.
     */
    Group last() {
        return last;
    }

    /** Emits every open response; {@code keep} ones are left out (and stay unread for next time). */
    void finish(java.util.function.Predicate<Group> keep) {
        for (Group g : open.values()) {
            if (!keep.test(g)) emit.accept(g);
        }
        open.clear();
    }

    long folded() {
        return folded;
    }
}
