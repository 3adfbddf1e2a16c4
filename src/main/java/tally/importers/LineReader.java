package tally.importers;

import tally.core.Words;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a byte stream one line at a time without decoding it, tracking each line's byte offset, so
 * a file of any size is read in constant memory (one buffer, as large as the longest line) and an
 * import can resume at an exact byte.
 */
public final class LineReader {
    private final InputStream in;
    private byte[] buf = new byte[1 << 16];
    private int start;      // first unread byte in buf
    private int end;        // one past the last valid byte in buf
    private long bufOffset; // stream offset of buf[0]
    private boolean eof;

    private int lineStart;
    private int lineLength;
    private long lineOffset;
    private boolean terminated;

    /** Bytes of JSON text, the most common first. */
    private static final String COMMON = "\" :,etaoinsrhldcumfpgwybvkxjqz";
    private byte[] anchorNeedle; // the needle the anchor was chosen for (callers pass the same constant)
    private int anchor;

    public LineReader(InputStream in, long startOffset) {
        this.in = in;
        this.bufOffset = startOffset;
    }

    /** Advances to the next line; false at the end of the stream. */
    public boolean next() throws IOException {
        int scanFrom = start;
        while (true) {
            int nl = newline(scanFrom);
            if (nl >= 0) {
                set(start, nl - start, true);
                start = nl + 1;
                return true;
            }
            if (eof) {
                if (start >= end) return false;
                set(start, end - start, false); // a last line without its newline: maybe still being written
                start = end;
                return true;
            }
            int scanned = end - start;
            fill();
            scanFrom = start + scanned;
        }
    }

    /** The first newline in buf from {@code i} to the end of what was read, or -1. */
    private int newline(int i) {
        return Words.indexOf(buf, i, end, (byte) '\n');
    }

    private void set(int from, int len, boolean nl) {
        lineStart = from;
        lineLength = len > 0 && buf[from + len - 1] == '\r' ? len - 1 : len;
        lineOffset = bufOffset + from;
        terminated = nl;
    }

    /** Moves unread bytes to the front (growing the buffer for a long line) and reads more. */
    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            bufOffset += start;
            end -= start;
            start = 0;
        }
        if (end == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) eof = true;
        else end += n;
    }

    public byte[] buffer() {
        return buf;
    }

    public int lineStart() {
        return lineStart;
    }

    public int lineLength() {
        return lineLength;
    }

    /** Byte offset of the current line's first byte. */
    public long lineOffset() {
        return lineOffset;
    }

    /** Byte offset just past the current line (after its newline, when it has one). */
    public long nextOffset() {
        return bufOffset + start;
    }

    /** Whether the current line ended with a newline (a line without one may be half-written). */
    public boolean terminated() {
        return terminated;
    }

    /**
     * Whether the current line contains these ASCII bytes. It looks eight bytes a step for the
     * needle's rarest byte (for {@code "usage"}, the g) and compares the needle only where that is:
     * this scan runs over most bytes of every transcript, and few bytes of a line are a g.
     */
    public boolean contains(byte[] needle) {
        int n = needle.length;
        if (n == 0) return true;
        int a = anchorOf(needle);
        byte anchor = needle[a];
        int i = lineStart + a;                         // where the anchor is in the first place the needle fits
        int last = lineStart + lineLength - n + a;     // and in the last
        for (; i + 8 <= last + 1; i += 8) {
            for (long m = Words.equalMask(Words.at(buf, i), anchor); m != 0; m &= m - 1) {
                int at = i + Words.first(m);
                if (buf[at] == anchor && matchesAt(at - a, needle)) return true; // flags above the first may be false
            }
        }
        for (; i <= last; i++) if (buf[i] == anchor && matchesAt(i - a, needle)) return true;
        return false;
    }

    private boolean matchesAt(int at, byte[] needle) {
        for (int j = 0; j < needle.length; j++) {
            if (buf[at + j] != needle[j]) return false;
        }
        return true;
    }

    /** The needle's rarest byte in JSON text by English letter frequency (a byte not ranked counts as rarest). */
    private int anchorOf(byte[] needle) {
        if (needle == anchorNeedle) return anchor;
        int best = 0;
        for (int j = 1; j < needle.length; j++) if (rank(needle[j]) > rank(needle[best])) best = j;
        anchorNeedle = needle;
        anchor = best;
        return best;
    }

    private static int rank(byte b) {
        int r = COMMON.indexOf(Character.toLowerCase((char) b));
        return r < 0 ? COMMON.length() : r;
    }
}
