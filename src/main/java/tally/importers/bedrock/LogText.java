package tally.importers.bedrock;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A log file's bytes as text: inflated when they are gzip (known by the magic bytes, not the name),
 * without a byte order mark, and, when they break off, the line where they did.
 */
final class LogText {

    /**
     * The file's bytes broke off at this line: a gzip stream cut short or corrupt, a failed read. The
     * records before it were handed on and stay: each is a whole line or event of its own, and their
     * ids make reading them again harmless.
     */
    static final class Broken extends Exception {
        final long line;

        Broken(long line, IOException cause) {
            super(cause.getMessage(), cause, false, false);
            this.line = line;
        }

        /** Why: gzip data that ends early or is not deflate data, or a read that failed. */
        String why(boolean gzip) {
            Throwable e = getCause();
            String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            boolean damaged = gzip && (e instanceof ZipException || e instanceof EOFException);
            return damaged ? "cut short or corrupt gzip (" + m + ")" : "cannot read past this line: " + m;
        }
    }

    private LogText() {}

    /** Whether the stream (which must support mark) starts with gzip's magic bytes; it is left where it was. */
    static boolean isGzip(InputStream raw) throws IOException {
        raw.mark(2);
        int b1 = raw.read();
        int b2 = raw.read();
        raw.reset();
        return b1 == 0x1f && b2 == 0x8b;
    }

    /** The text of the bytes, buffered (mark works on it): inflated if they are gzip, without a byte order mark. */
    static InputStream open(InputStream raw, boolean gzip) throws Broken {
        try {
            InputStream text = new BufferedInputStream(gzip ? new Inflated(new GZIPInputStream(raw, 1 << 16)) : raw, 1 << 16);
            skipByteOrderMark(text);
            return text;
        } catch (IOException e) {
            throw new Broken(1, e); // a gzip header that is none, or no gzip data after it
        }
    }

    /** A UTF-8 byte order mark (Windows tools write one) is no part of the text: dropped before the file's shape is judged. */
    private static void skipByteOrderMark(InputStream in) throws IOException {
        in.mark(3);
        byte[] head = in.readNBytes(3);
        boolean bom = head.length == 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf;
        if (!bom) in.reset();
    }

    /**
     * Inflated bytes, said to be none available: BufferedInputStream then hands on what one read
     * inflated before it reads again, so a cut further on does not take the bytes before it along.
     */
    private static final class Inflated extends FilterInputStream {
        Inflated(InputStream in) {
            super(in);
        }

        @Override
        public int available() {
            return 0;
        }
    }
}
