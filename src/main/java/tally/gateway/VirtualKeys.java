package tally.gateway;

import tally.core.Secrets;

import tally.identity.People;
import tally.store.Store;
import tally.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Managed keys: issued once, stored as a hash, looked up from memory on the hot path. The cache is
 * filled at start and on {@link #reload}; a key the cache does not know is looked up in the store
 * (off the event loop), so a key created by another process works at once.
 */
public final class VirtualKeys {
    /** Every managed key starts so; anything else is a pass-through key. */
    public static final String PREFIX = "sk-tally-";

    public record Issued(VirtualKey key, String secret) {}

    private static final String COLUMNS = "id, person, team, models, max_tokens, downgrade_model, rpm, tpm,"
            + " created_ms, expires_ms, revoked_ms, secret_hash";

    private final Store store;
    private final Clock clock;
    private volatile Map<String, VirtualKey> byHash = Map.of();

    public VirtualKeys(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public static boolean looksManaged(String credential) {
        return credential != null && credential.startsWith(PREFIX);
    }

    /** Issues a key; the secret is returned here and nowhere else. Adds the person and maps the key id to them. */
    public Issued create(String person, String team, List<String> models, Long maxTokens, String downgradeModel,
                         Long rpm, Long tpm, Instant expires) {
        if (person == null || person.isBlank()) throw new IllegalArgumentException("--user must not be empty");
        String id = "key_" + Secrets.randomHex(6);
        String secret = PREFIX + Secrets.randomToken(32);
        Instant now = clock.instant();
        People people = new People(store);
        if (!people.exists(person)) people.add(person, team);
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO gateway_keys (" + COLUMNS
                     + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, person);
            ps.setString(3, team);
            ps.setString(4, models == null || models.isEmpty() ? null : String.join(",", models));
            ps.setObject(5, maxTokens);
            ps.setString(6, downgradeModel);
            ps.setObject(7, rpm);
            ps.setObject(8, tpm);
            ps.setLong(9, now.toEpochMilli());
            ps.setObject(10, expires == null ? null : expires.toEpochMilli());
            ps.setObject(11, null);
            ps.setString(12, Secrets.sha256Hex(secret));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot save key: " + e.getMessage(), e);
        }
        people.alias(person, id);
        VirtualKey key = new VirtualKey(id, person, team, models, maxTokens, downgradeModel, rpm, tpm, now, expires, null);
        return new Issued(key, secret);
    }

    public List<VirtualKey> list() {
        return query("SELECT " + COLUMNS + " FROM gateway_keys ORDER BY created_ms, id", null).stream()
                .map(Row::key).toList();
    }

    /** Revokes a key by id; false when there is no such key. */
    public boolean revoke(String id) {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE gateway_keys SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL")) {
            ps.setLong(1, clock.millis());
            ps.setString(2, id);
            boolean changed = ps.executeUpdate() > 0;
            if (changed) reload();
            return changed;
        } catch (SQLException e) {
            throw new StoreException("cannot revoke key: " + e.getMessage(), e);
        }
    }

    /** Reloads every key into memory. Blocking: call off the event loop. */
    public void reload() {
        Map<String, VirtualKey> m = new ConcurrentHashMap<>();
        for (Row r : query("SELECT " + COLUMNS + " FROM gateway_keys WHERE revoked_ms IS NULL", null)) m.put(r.hash, r.key);
        byHash = m;
    }

    /** The active key for a secret from memory; null when unknown here (then try {@link #load}). */
    public VirtualKey cached(String secret) {
        VirtualKey k = byHash.get(Secrets.sha256Hex(secret));
        return k != null && k.activeAt(clock.instant()) ? k : null;
    }

    /** Whether memory knows this secret at all (active or not). */
    boolean known(String secret) {
        return byHash.containsKey(Secrets.sha256Hex(secret));
    }

    /** Looks a secret up in the store and caches it. Blocking. Null when no active key matches. */
    public VirtualKey load(String secret) {
        String hash = Secrets.sha256Hex(secret);
        List<Row> rows = query("SELECT " + COLUMNS + " FROM gateway_keys WHERE secret_hash = ? AND revoked_ms IS NULL", hash);
        if (rows.isEmpty()) return null;
        VirtualKey k = rows.get(0).key;
        Map<String, VirtualKey> m = new ConcurrentHashMap<>(byHash);
        m.put(hash, k);
        byHash = m;
        return k.activeAt(clock.instant()) ? k : null;
    }

    public VirtualKey byId(String id) {
        for (VirtualKey k : list()) if (k.id().equals(id)) return k;
        return null;
    }

    private record Row(String hash, VirtualKey key) {}

    private List<Row> query(String sql, String param) {
        List<Row> out = new ArrayList<>();
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String models = rs.getString(4);
                    VirtualKey k = new VirtualKey(rs.getString(1), rs.getString(2), rs.getString(3),
                            models == null ? List.of() : Arrays.stream(models.split(",")).map(String::trim).toList(),
                            longOrNull(rs, 5), rs.getString(6), longOrNull(rs, 7), longOrNull(rs, 8),
                            Instant.ofEpochMilli(rs.getLong(9)), instantOrNull(rs, 10), instantOrNull(rs, 11));
                    out.add(new Row(rs.getString(12), k));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read keys: " + e.getMessage(), e);
        }
        return out;
    }

    private static Long longOrNull(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private static Instant instantOrNull(ResultSet rs, int i) throws SQLException {
        Long v = longOrNull(rs, i);
        return v == null ? null : Instant.ofEpochMilli(v);
    }
}
