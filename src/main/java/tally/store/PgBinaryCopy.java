package tally.store;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One COPY ... FROM STDIN (FORMAT binary) into a table, written field by field. Binary rather than
 * CSV: the server reads integers as 8 or 4 bytes instead of parsing text (and no quoting to scan),
 * and the client encodes straight into one buffer rather than building a string and then its bytes.
 * {@link #rows} writes each row's fields in the column list's order and with its exact types (int8,
 * int4, float8, bool, text). The buffer goes to the server a chunk at a time, so the server parses one
 * chunk while the next is written.
 */
final class PgBinaryCopy {
    /** Writes one row's fields, after {@link #row} has started it. */
    interface RowWriter<T> {
        void write(PgBinaryCopy copy, T row) throws SQLException;
    }

    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0,
            0, 0, 0, 0, 0, 0, 0, 0};
    private static final int CHUNK = 256 * 1024;

    private final CopyIn copy;
    /** Fields per row: the column list's length. */
    private final int fields;
    private byte[] buf = new byte[CHUNK + 4096];
    private int len;

    private PgBinaryCopy(Connection c, String table, String columns) throws SQLException {
        copy = c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + table + " (" + columns + ") FROM STDIN (FORMAT binary)");
        fields = columns.split(",").length;
        System.arraycopy(HEADER, 0, buf, 0, HEADER.length);
        len = HEADER.length;
    }

    /**
     * Copies {@code rows} into {@code table}'s {@code columns} (a comma-separated list), each written by
     * {@code writer}; returns the rows the server took. A failure ends the COPY so the connection can be
     * used again, and is thrown (the first failure is the one reported).
     */
    static <T> long rows(Connection c, String table, String columns, Iterable<T> rows, RowWriter<T> writer) throws SQLException {
        PgBinaryCopy copy = new PgBinaryCopy(c, table, columns);
        try {
            for (T r : rows) writer.write(copy.row(), r);
            return copy.finish();
        } catch (SQLException | RuntimeException e) {
            copy.abort(e);
            throw e;
        }
    }

    /** Starts a row; sends the buffer first when a chunk is full. */
    private PgBinaryCopy row() throws SQLException {
        if (len >= CHUNK) send();
        room(2);
        buf[len++] = (byte) (fields >>> 8);
        buf[len++] = (byte) fields;
        return this;
    }

    PgBinaryCopy int8(long v) {
        room(12);
        putInt(8);
        putInt((int) (v >>> 32));
        putInt((int) v);
        return this;
    }

    /** A bigint that may be null. */
    PgBinaryCopy int8(Long v) {
        return v == null ? nul() : int8(v.longValue());
    }

    PgBinaryCopy int4(int v) {
        room(8);
        putInt(4);
        putInt(v);
        return this;
    }

    PgBinaryCopy float8(double v) {
        return int8(Double.doubleToRawLongBits(v)); // the same eight bytes, big-endian
    }

    PgBinaryCopy bool(boolean v) {
        room(5);
        putInt(1);
        buf[len++] = (byte) (v ? 1 : 0);
        return this;
    }

    /** Text in UTF-8 (the server checks it as it does any client text); null is SQL NULL. */
    PgBinaryCopy text(String v) {
        if (v == null) return nul();
        int n = v.length();
        room(4 + n);
        int at = len;
        len += 4;
        for (int i = 0; i < n; i++) {
            char ch = v.charAt(i);
            if (ch >= 0x80) { // not ASCII: encode the whole string the slow way
                byte[] b = v.getBytes(StandardCharsets.UTF_8);
                len = at;
                room(4 + b.length);
                putInt(b.length);
                System.arraycopy(b, 0, buf, len, b.length);
                len += b.length;
                return this;
            }
            buf[len++] = (byte) ch;
        }
        int end = len;
        len = at;
        putInt(n);
        len = end;
        return this;
    }

    private PgBinaryCopy nul() {
        room(4);
        putInt(-1);
        return this;
    }

    /** Ends the stream; returns the rows the server took. */
    private long finish() throws SQLException {
        room(2);
        buf[len++] = (byte) 0xff;
        buf[len++] = (byte) 0xff;
        send();
        return copy.endCopy();
    }

    /** Ends a failed COPY so the connection can be used again; the first failure is the one reported. */
    private void abort(Exception failure) {
        if (!copy.isActive()) return;
        try {
            copy.cancelCopy();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private void send() throws SQLException {
        if (len == 0) return;
        copy.writeToCopy(buf, 0, len);
        len = 0;
    }

    private void room(int n) {
        if (len + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    private void putInt(int v) {
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }
}
