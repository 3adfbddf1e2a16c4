package tally.store;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/** Managed gateway keys as stored: settings, lifetime and the secret's hash (never the secret). */
public final class KeyStore {

    /** One stored key; {@code models} empty means any model. */
    public record Row(String id, String person, String team, List<String> models, Long maxTokens, String downgradeModel,
                      Long rpm, Long tpm, long createdMs, Long expiresMs, Long revokedMs, String secretHash, String project) {}

    private static final String COLUMNS = "id, person, team, models, max_tokens, downgrade_model, rpm, tpm,"
            + " created_ms, expires_ms, revoked_ms, secret_hash, project";

    private final Store store;

    public KeyStore(Store store) {
        this.store = store;
    }

    public void insert(Row k) {
        Jdbc.update(store, e -> new StoreException("cannot save key: " + e.getMessage(), e),
                "INSERT INTO gateway_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                k.id(), k.person(), Jdbc.text(k.team()),
                Jdbc.text(k.models() == null || k.models().isEmpty() ? null : String.join(",", k.models())),
                k.maxTokens(), Jdbc.text(k.downgradeModel()), k.rpm(), k.tpm(), k.createdMs(), k.expiresMs(),
                k.revokedMs(), k.secretHash(), Jdbc.text(k.project()));
    }

    /** Every key, revoked or not, oldest first. */
    public List<Row> all() {
        return read("SELECT " + COLUMNS + " FROM gateway_keys ORDER BY created_ms, id");
    }

    /** Every key not revoked. */
    public List<Row> unrevoked() {
        return read("SELECT " + COLUMNS + " FROM gateway_keys WHERE revoked_ms IS NULL");
    }

    /** Revokes a key by id; false when there is no such unrevoked key. */
    public boolean revoke(String id, long nowMs) {
        return Jdbc.update(store, e -> new StoreException("cannot revoke key: " + e.getMessage(), e),
                "UPDATE gateway_keys SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL", nowMs, id) > 0;
    }

    private List<Row> read(String sql, Object... params) {
        return Jdbc.query(store, sql, List.of(params), rs -> {
            String models = rs.getString(4);
            return new Row(rs.getString(1), rs.getString(2), rs.getString(3),
                    models == null ? List.of() : Arrays.stream(models.split(",")).map(String::trim).toList(),
                    Jdbc.nullableLong(rs, 5), rs.getString(6), Jdbc.nullableLong(rs, 7), Jdbc.nullableLong(rs, 8),
                    rs.getLong(9), Jdbc.nullableLong(rs, 10), Jdbc.nullableLong(rs, 11), rs.getString(12), rs.getString(13));
        }, KeyStore::readFailed);
    }

    private static StoreException readFailed(SQLException e) {
        return new StoreException("cannot read keys: " + e.getMessage(), e);
    }
}
