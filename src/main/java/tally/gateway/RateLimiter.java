package tally.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests per minute and tokens per minute, per key and per person, as token buckets that refill
 * continuously. Requests are taken when admitted; tokens are taken when a response's usage is known,
 * so a bucket can go below zero and then holds requests back until it has refilled. Tokens are
 * counted as Anthropic's rate limits count them: uncached input, cache writes and output, not cache reads.
 */
final class RateLimiter {
    /** A request held back: how long to wait, and why. */
    record Denied(long retryAfterSeconds, String message) {}

    private static final class Bucket {
        final long perMinute;
        double level;
        long lastNanos;

        Bucket(long perMinute, long now) {
            this.perMinute = perMinute;
            this.level = perMinute;
            this.lastNanos = now;
        }

        void refill(long now) {
            level = Math.min(perMinute, level + (now - lastNanos) * (perMinute / 60e9));
            lastNanos = now;
        }

        /** Seconds until the level reaches {@code need}. */
        long secondsUntil(double need) {
            return Math.max(1, (long) Math.ceil((need - level) / (perMinute / 60.0)));
        }
    }

    private record Check(Bucket bucket, String what, String unit, boolean request) {}

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final GatewayConfig config;

    RateLimiter(GatewayConfig config) {
        this.config = config;
    }

    /** Admits the request (taking one from each request bucket) or says how long to wait. */
    Denied admit(Caller c) {
        long now = System.nanoTime();
        List<Check> checks = checks(c, now);
        if (checks.isEmpty()) return null;
        synchronized (this) {
            for (Check k : checks) {
                k.bucket.refill(now);
                double need = k.request ? 1 : Double.MIN_VALUE;
                if (k.bucket.level < need) {
                    long wait = k.bucket.secondsUntil(k.request ? 1 : 0);
                    return new Denied(wait, "rate limit of " + k.bucket.perMinute + " " + k.unit + " per minute for "
                            + k.what + " reached; retry after " + wait + " s");
                }
            }
            for (Check k : checks) if (k.request) k.bucket.level -= 1;
        }
        return null;
    }

    /** Takes a finished request's tokens from the token buckets. */
    void spend(Caller c, long tokens) {
        if (tokens <= 0) return;
        long now = System.nanoTime();
        List<Check> checks = checks(c, now);
        synchronized (this) {
            for (Check k : checks) {
                if (k.request) continue;
                k.bucket.refill(now);
                k.bucket.level -= tokens;
            }
        }
    }

    private List<Check> checks(Caller c, long now) {
        List<Check> out = new ArrayList<>(4);
        VirtualKey k = c.key();
        if (k != null && k.rpm() != null) out.add(new Check(bucket("rk:" + k.id(), k.rpm(), now), "key " + k.id(), "requests", true));
        if (k != null && k.tpm() != null) out.add(new Check(bucket("tk:" + k.id(), k.tpm(), now), "key " + k.id(), "tokens", false));
        if (config.personRpm() != null) out.add(new Check(bucket("rp:" + c.person(), config.personRpm(), now), c.person(), "requests", true));
        if (config.personTpm() != null) out.add(new Check(bucket("tp:" + c.person(), config.personTpm(), now), c.person(), "tokens", false));
        return out;
    }

    private Bucket bucket(String name, long perMinute, long now) {
        Bucket b = buckets.get(name);
        if (b == null || b.perMinute != perMinute) {
            b = new Bucket(perMinute, now);
            buckets.put(name, b);
        }
        return b;
    }
}
