package tally.otlp;

import tally.core.Ids;
import tally.store.IngestTokenStore;

import java.util.HashMap;
import java.util.Map;

/**
 * Whose an ingest token is, answered from memory (exports never wait on the store for a known
 * token). The table is re-read on a miss, so a token made by another process works at once, and on
 * {@link #reload}, which the server calls after each admin call and on a timer, so a revocation made
 * through the server is honoured at once and one made straight in a shared database soon after.
 * Revoked tokens are kept in the table: refusing them never re-reads the store.
 */
final class IngestTokenCheck {
    static final String UNKNOWN = "unknown ingest token (create one with: tally tokens create --user NAME)";
    static final String REVOKED = "this ingest token was revoked (tally tokens list; create a new one with: tally tokens create --user NAME)";

    private record Entry(String person, boolean revoked) {}

    private final IngestTokenStore store;
    private volatile Map<String, Entry> byHash;

    IngestTokenCheck(IngestTokenStore store) {
        this.store = store;
        this.byHash = read();
    }

    /** The token's person; null when there is no token. Throws {@link SecurityException} for an unknown or revoked one. */
    String person(String token) {
        if (token == null || token.isBlank()) return null;
        String hash = Ids.sha256(token.trim());
        Entry e = byHash.get(hash);
        if (e == null) {
            reload();
            e = byHash.get(hash);
        }
        if (e == null) throw new SecurityException(UNKNOWN);
        if (e.revoked()) throw new SecurityException(REVOKED);
        return e.person();
    }

    /** Re-reads every token. Blocking. */
    void reload() {
        byHash = read();
    }

    private Map<String, Entry> read() {
        Map<String, Entry> m = new HashMap<>();
        for (IngestTokenStore.Row r : store.all()) m.put(r.sha256(), new Entry(r.person(), r.revokedMs() != null));
        return m;
    }
}
