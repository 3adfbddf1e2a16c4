package tally.gateway;

import tally.core.Rereads;
import tally.core.Secrets;

import tally.identity.People;
import tally.store.KeyStore;
import tally.store.Store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Managed keys: issued once, stored as a hash, looked up from memory on the hot path. The cache is
 * filled at start and on {@link #reload}; a key the cache does not know waits for a re-read of the
 * keys off the event loop, at most one a second however many unknown keys arrive (anyone can send
 * those), so a key created by another process works within about a second.
 */
public final class VirtualKeys {
    /** Every managed key starts so; anything else is a pass-through key. */
    public static final String PREFIX = "sk-tally-";

    public record Issued(VirtualKey key, String secret) {}

    private final Store store;
    private final KeyStore keys;
    private final Clock clock;
    private volatile Map<String, VirtualKey> byHash = Map.of();
    /** Re-reads asked for by keys not in memory. */
    private final Rereads misses = new Rereads("tally-key-reload", Duration.ofSeconds(1), this::reload);

    public VirtualKeys(Store store, Clock clock) {
        this.store = store;
        this.keys = new KeyStore(store);
        this.clock = clock;
    }

    public static boolean looksManaged(String credential) {
        return credential != null && credential.startsWith(PREFIX);
    }

    /** Issues a key; the secret is returned here and nowhere else. Adds the person and maps the key id to them. */
    public Issued create(String person, String team, List<String> models, Long maxTokens, String downgradeModel,
                         Long rpm, Long tpm, Instant expires) {
        return create(person, team, models, maxTokens, downgradeModel, rpm, tpm, expires, null);
    }

    /** {@code project}: the key's default project, for requests that name none (null: none). */
    public Issued create(String person, String team, List<String> models, Long maxTokens, String downgradeModel,
                         Long rpm, Long tpm, Instant expires, String project) {
        if (person == null || person.isBlank()) throw new IllegalArgumentException("--user must not be empty");
        String id = "key_" + Secrets.randomHex(6);
        String secret = PREFIX + Secrets.randomToken(32);
        Instant now = clock.instant();
        People people = new People(store);
        if (!people.exists(person)) people.add(person, team);
        keys.insert(new KeyStore.Row(id, person, team, models, maxTokens, downgradeModel, rpm, tpm, now.toEpochMilli(),
                expires == null ? null : expires.toEpochMilli(), null, Secrets.sha256Hex(secret), project));
        people.alias(person, id);
        VirtualKey key = new VirtualKey(id, person, team, models, maxTokens, downgradeModel, rpm, tpm, now, expires, null, project);
        return new Issued(key, secret);
    }

    public List<VirtualKey> list() {
        return keys.all().stream().map(VirtualKeys::key).toList();
    }

    /** Revokes a key by id; false when there is no such key. */
    public boolean revoke(String id) {
        boolean changed = keys.revoke(id, clock.millis());
        if (changed) reload();
        return changed;
    }

    /** Reloads every key into memory. Blocking: call off the event loop. */
    public void reload() {
        misses.readNow();
        Map<String, VirtualKey> m = new ConcurrentHashMap<>();
        for (KeyStore.Row r : keys.unrevoked()) m.put(r.secretHash(), key(r));
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

    /**
     * The active key for a secret memory does not know, after the next re-read of the keys (off the
     * caller's thread; see {@link Rereads}); null when no active key matches then. Fails with the
     * store's exception when the re-read fails.
     */
    public CompletableFuture<VirtualKey> lookUp(String secret) {
        return misses.next().thenApply(v -> cached(secret));
    }

    public VirtualKey byId(String id) {
        for (VirtualKey k : list()) if (k.id().equals(id)) return k;
        return null;
    }

    private static VirtualKey key(KeyStore.Row r) {
        return new VirtualKey(r.id(), r.person(), r.team(), r.models(), r.maxTokens(), r.downgradeModel(), r.rpm(), r.tpm(),
                Instant.ofEpochMilli(r.createdMs()), instant(r.expiresMs()), instant(r.revokedMs()), r.project());
    }

    private static Instant instant(Long ms) {
        return ms == null ? null : Instant.ofEpochMilli(ms);
    }
}
