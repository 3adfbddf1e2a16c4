package tally.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Slows password guessing per account and per address: after {@link #ACCOUNT_LIMIT} failures for one
 * account (or {@link #ADDRESS_LIMIT} from one address, which many people may share) every attempt is
 * refused for a window that doubles with each further failure, up to {@link #LONGEST_LOCK}. An attempt
 * counts as a failure from the moment it is admitted (so parallel guesses cannot outrun the count)
 * until it succeeds. Failures are forgotten after a quiet {@link #FORGET}. Refusals cost nothing: the
 * caller answers 429 at once rather than sleeping.
 */
final class LoginThrottle {
    static final int ACCOUNT_LIMIT = 5;
    static final int ADDRESS_LIMIT = 20;
    static final Duration FIRST_LOCK = Duration.ofSeconds(30);
    static final Duration LONGEST_LOCK = Duration.ofMinutes(15);
    static final Duration FORGET = Duration.ofHours(1);
    private static final int MAX_ENTRIES = 100_000;

    private static final class Count {
        int failures;
        Instant lockedUntil = Instant.EPOCH;
        Instant last = Instant.EPOCH;
    }

    private final Clock clock;
    private final Map<String, Count> counts = new HashMap<>();

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Null when the attempt may go ahead (counted as a failure until {@link #succeeded}); else how long to wait. */
    synchronized Duration admit(String user, String address) {
        Instant now = clock.instant();
        if (counts.size() > MAX_ENTRIES) counts.values().removeIf(c -> stale(c, now));
        Count account = count("user:" + user, now);
        Count from = count("addr:" + address, now);
        Instant until = account.lockedUntil.isAfter(from.lockedUntil) ? account.lockedUntil : from.lockedUntil;
        if (now.isBefore(until)) return Duration.between(now, until);
        fail(account, ACCOUNT_LIMIT, now);
        fail(from, ADDRESS_LIMIT, now);
        return null;
    }

    /** The admitted attempt was right: the account starts afresh, the address loses this one failure. */
    synchronized void succeeded(String user, String address) {
        counts.remove("user:" + user);
        Count from = counts.get("addr:" + address);
        if (from != null && --from.failures < ADDRESS_LIMIT) from.lockedUntil = Instant.EPOCH;
    }

    /** Failures now counted against the account. */
    synchronized int failures(String user) {
        Count c = counts.get("user:" + user);
        return c == null ? 0 : c.failures;
    }

    private Count count(String key, Instant now) {
        Count c = counts.computeIfAbsent(key, k -> new Count());
        if (stale(c, now)) c.failures = 0;
        return c;
    }

    private static boolean stale(Count c, Instant now) {
        return !now.isBefore(c.lockedUntil) && Duration.between(c.last, now).compareTo(FORGET) > 0;
    }

    private static void fail(Count c, int limit, Instant now) {
        c.failures++;
        c.last = now;
        if (c.failures < limit) return;
        int doublings = Math.min(c.failures - limit, 10);
        Duration lock = FIRST_LOCK.multipliedBy(1L << doublings);
        c.lockedUntil = now.plus(lock.compareTo(LONGEST_LOCK) > 0 ? LONGEST_LOCK : lock);
    }
}
