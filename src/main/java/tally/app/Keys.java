package tally.app;

import tally.gateway.VirtualKey;
import tally.gateway.VirtualKeys;
import tally.store.Store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Gateway keys: issue (the secret is returned once), list, revoke. */
public final class Keys {
    /** What a new key may do; null fields mean no limit. {@code project}: its requests' project when they name none. */
    public record Create(String user, String team, List<String> models, Long maxTokens, String downgradeTo,
                         Long rpm, Long tpm, Instant expires, String project) {}

    /** Every key and the moment the list was read (whether each is active depends on it). */
    public record Listing(List<VirtualKey> keys, Instant now) {}

    public record Revoke(String id) {}

    public record Revoked(boolean revoked) {}

    private final Store store;
    private final Clock clock;

    Keys(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The latest expiry a key may have: its milliseconds, and a day added to them, must fit. */
    private static final Instant LAST_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");

    public VirtualKeys.Issued create(Create c) {
        if (c.user() == null || c.user().isBlank()) throw new IllegalArgumentException("--user must not be empty");
        String wrong = limitsProblem(c);
        if (wrong != null) throw new IllegalArgumentException(wrong); // the API's callers too, not only the CLI's
        return new VirtualKeys(store, clock).create(c.user(), c.team(), c.models(), c.maxTokens(), c.downgradeTo(),
                c.rpm(), c.tpm(), c.expires(), c.project() == null || c.project().isBlank() ? null : c.project().trim());
    }

    /** Why a key's limits could never work (a key that is always refused, or born expired), or null. */
    private String limitsProblem(Create c) {
        if (c.maxTokens() != null && c.maxTokens() <= 0) return "maxTokens must be more than zero, got " + c.maxTokens();
        if (c.rpm() != null && c.rpm() <= 0) return "rpm must be more than zero, got " + c.rpm();
        if (c.tpm() != null && c.tpm() <= 0) return "tpm must be more than zero, got " + c.tpm();
        if (c.expires() != null && !c.expires().isAfter(clock.instant())) return "expires " + c.expires() + " is already past";
        if (c.expires() != null && c.expires().isAfter(LAST_EXPIRY)) return "expires " + c.expires() + " is past " + LAST_EXPIRY;
        return null;
    }

    public Listing list() {
        return new Listing(new VirtualKeys(store, clock).list(), clock.instant());
    }

    public Revoked revoke(Revoke r) {
        return new Revoked(new VirtualKeys(store, clock).revoke(r.id()));
    }
}
