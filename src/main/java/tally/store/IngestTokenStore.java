package tally.store;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** OTLP ingest tokens as stored: the secret's SHA-256 (never the secret), its person, when made, last used and revoked. */
public final class IngestTokenStore {

    /** One stored token; {@code revokedMs} null while it works, {@code lastUsedMs} null until an export used it. */
    public record Row(String sha256, String person, long createdMs, Long revokedMs, Long lastUsedMs) {}

    private final Store store;

    public IngestTokenStore(Store store) {
        this.store = store;
    }

    public void insert(String sha256, String person, long createdMs) {
        Jdbc.update(store, e -> new StoreException("cannot save ingest token: " + e.getMessage(), e),
                "INSERT INTO ingest_tokens (token_sha256, person, created_ms) VALUES (?, ?, ?)", sha256, person, createdMs);
    }

    /** Every token, revoked or not, oldest first. Small: a few per person. */
    public List<Row> all() {
        return Jdbc.query(store, "SELECT token_sha256, person, created_ms, revoked_ms, last_used_ms FROM ingest_tokens"
                + " ORDER BY created_ms, token_sha256", List.of(),
                rs -> new Row(rs.getString(1), rs.getString(2), rs.getLong(3), Jdbc.nullableLong(rs, 4), Jdbc.nullableLong(rs, 5)),
                IngestTokenStore::readFailed);
    }

    /**
     * Records when each token (by hash) was last used; a later time already stored stays. Rows are
     * updated in hash order, so two servers writing the same tokens at once cannot deadlock.
     */
    public void markUsed(Map<String, Long> lastUsedMsByHash) {
        if (lastUsedMsByHash.isEmpty()) return;
        store.inTransaction(c -> {
            for (Map.Entry<String, Long> e : new java.util.TreeMap<>(lastUsedMsByHash).entrySet()) {
                Jdbc.update(c, "UPDATE ingest_tokens SET last_used_ms = ? WHERE token_sha256 = ?"
                        + " AND (last_used_ms IS NULL OR last_used_ms < ?)", e.getValue(), e.getKey(), e.getValue());
            }
            return null;
        });
    }

    /** Revokes the token with this hash; false when there is no such unrevoked token. */
    public boolean revoke(String sha256, long nowMs) {
        return Jdbc.update(store, e -> new StoreException("cannot revoke ingest token: " + e.getMessage(), e),
                "UPDATE ingest_tokens SET revoked_ms = ? WHERE token_sha256 = ? AND revoked_ms IS NULL", nowMs, sha256) > 0;
    }

    private static StoreException readFailed(SQLException e) {
        return new StoreException("cannot read ingest tokens: " + e.getMessage(), e);
    }
}
