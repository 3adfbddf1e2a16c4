package tally.otlp;

import tally.core.Ids;
import tally.core.Rereads;
import tally.store.IngestTokenStore;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Whose an ingest token is, answered from memory (exports never wait on the store for a known
 * token). The table is re-read on {@link #reload}, which the server calls after each admin call and
 * on a timer, so a revocation made through the server is honoured at once and one made straight in
 * a shared database soon after. A token not in memory waits for a re-read off the caller's thread,
 * at most one every {@link #MIN_GAP} whatever the number of unknown tokens sent (anyone can send
 * those), so a token made by another process works within about that long. Revoked tokens are kept
 * in the table: refusing them never re-reads the store. When each token last let an export in is kept
 * in memory and written at the next re-read, so {@code tally tokens list} shows it within that long.
 */
final class IngestTokenCheck {
    static final String UNKNOWN = "unknown ingest token (create one with: tally tokens create --user NAME)";
    static final String REVOKED = "this ingest token was revoked (tally tokens list; create a new one with: tally tokens create --user NAME)";
    /** The least time between two reads of the table that unknown tokens asked for. */
    static final Duration MIN_GAP = Duration.ofSeconds(1);

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(IngestTokenCheck.class.getName());

    private record Entry(String person, boolean revoked) {}

    private final Supplier<List<IngestTokenStore.Row>> rows;
    private final Consumer<Map<String, Long>> markUsed;
    /** Tokens (by hash) that let an export in since the last write, and when last. */
    private final ConcurrentHashMap<String, Long> used = new ConcurrentHashMap<>();
    /** Re-reads asked for by unknown tokens. */
    private final Rereads misses;
    private volatile Map<String, Entry> byHash;
    /** A refused write of uses was logged; cleared by the next write that succeeds. */
    private volatile boolean warned;

    IngestTokenCheck(IngestTokenStore store) {
        this(store::all, store::markUsed);
    }

    /** {@code rows}: the stored tokens, read afresh on each call; {@code markUsed}: writes when tokens were last used. */
    IngestTokenCheck(Supplier<List<IngestTokenStore.Row>> rows, Consumer<Map<String, Long>> markUsed) {
        this.rows = rows;
        this.markUsed = markUsed;
        this.misses = new Rereads("tally-ingest-tokens", MIN_GAP, this::reload);
        this.byHash = read();
    }

    /**
     * The token's person; null when there is no token. Completes at once for a token in memory;
     * otherwise after the next re-read. Fails with {@link SecurityException} for an unknown or
     * revoked token, and with the store's exception when the re-read fails.
     */
    CompletableFuture<String> person(String token) {
        if (token == null || token.isBlank()) return CompletableFuture.completedFuture(null);
        String hash = Ids.sha256(token.trim());
        Entry e = byHash.get(hash);
        if (e != null) return answer(hash, e);
        return misses.next().thenCompose(v -> answer(hash, byHash.get(hash)));
    }

    private CompletableFuture<String> answer(String hash, Entry e) {
        if (e == null) return CompletableFuture.failedFuture(new SecurityException(UNKNOWN));
        if (e.revoked()) return CompletableFuture.failedFuture(new SecurityException(REVOKED));
        used.merge(hash, System.currentTimeMillis(), Math::max);
        return CompletableFuture.completedFuture(e.person());
    }

    /**
     * Writes when tokens were last used, then re-reads every token. Blocking. A store that refuses the
     * write (a read-only replica, say) still gets its tokens re-read: revocations matter more.
     */
    void reload() {
        writeUsedOrWarn();
        byHash = read();
    }

    /** Writes the uses noted so far (as the server stops); a refusal is logged, never thrown. */
    void writeUsedOrWarn() {
        try {
            writeUsed();
            warned = false;
        } catch (RuntimeException e) {
            if (!warned) LOG.warning("telemetry: cannot record when ingest tokens were last used (kept for the next try): " + e.getMessage());
            warned = true; // once until a write succeeds: the refresh runs every 10 s
        }
    }

    /** The uses noted since the last write; a write that fails leaves them for the next one. */
    private void writeUsed() {
        if (used.isEmpty()) return;
        Map<String, Long> batch = new HashMap<>(used);
        markUsed.accept(batch);
        batch.forEach(used::remove); // only those not used again meanwhile: a newer use is written next time
    }

    private Map<String, Entry> read() {
        misses.readNow();
        Map<String, Entry> m = new HashMap<>();
        for (IngestTokenStore.Row r : rows.get()) m.put(r.sha256(), new Entry(r.person(), r.revokedMs() != null));
        return m;
    }
}
