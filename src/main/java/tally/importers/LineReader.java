package tally.importers;

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

    public LineReader(InputStream in, long startOffset) {
        this.in = in;
        this.bufOffset = startOffset;
    }

    /** Advances to the next line; false at the end of the stream. */
    public boolean next() throws IOException {
        int scanFrom = start;
        while (true) {
            for (int i = scanFrom; i < end; i++) {
                if (buf[i] == '\n') {
                    set(start, i - start, true);
                    start = i + 1;
                    return true;
                }
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

    /** Whether the current line contains these ASCII bytes. */
    public boolean contains(byte[] needle) {
        int last = lineStart + lineLength - needle.length;
        outer:
        for (int i = lineStart; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) continue outer;
            }
            return true;
        }
        return false;
    }
}
