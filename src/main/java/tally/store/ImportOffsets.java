package tally.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each imported file was read up to, so the next import starts there. Saved only after the
 * records read before that point are in the store: a crash in between re-reads, and ids dedupe.
 */
public final class ImportOffsets implements OffsetBook {

    /**
     * @param size         the file's size when it was read
     * @param resumeOffset the byte where the next read starts (a line start)
     * @param resumeLine   the line number (1-based) of the line at resumeOffset, for messages
     * @param fingerprint  hashes of the file's head and of the bytes just before resumeOffset: a file
     *                     rewritten under the same name no longer matches and is read from the start
     */
    public record Offset(String path, long size, long resumeOffset, long resumeLine, String fingerprint) {}

    private final Store store;

    public ImportOffsets(Store store) {
        this.store = store;
    }

    /** Every offset of one kind of import ("claude-code", "bedrock"), by path. */
    @Override
    public Map<String, Offset> load(String kind) {
        Map<String, Offset> out = new HashMap<>();
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT path, size_bytes, resume_offset, resume_line, fingerprint"
                     + " FROM import_offsets WHERE kind = ?")) {
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Offset(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5)));
                }
            }
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
        return out;
    }

    /** Replaces the offsets of these files in one transaction. */
    @Override
    public void save(String kind, Collection<Offset> offsets) {
        if (offsets.isEmpty()) return;
        long now = System.currentTimeMillis();
        store.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM import_offsets WHERE kind = ? AND path = ?")) {
                for (Offset o : offsets) {
                    del.setString(1, kind);
                    del.setString(2, o.path());
                    del.addBatch();
                }
                del.executeBatch();
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO import_offsets (kind, path, size_bytes,"
                    + " resume_offset, resume_line, fingerprint, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (Offset o : offsets) {
                    ins.setString(1, kind);
                    ins.setString(2, o.path());
                    ins.setLong(3, o.size());
                    ins.setLong(4, o.resumeOffset());
                    ins.setLong(5, o.resumeLine());
                    ins.setString(6, o.fingerprint());
                    ins.setLong(7, now);
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            return null;
        });
    }
}
