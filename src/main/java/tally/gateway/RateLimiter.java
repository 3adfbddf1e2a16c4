package tally.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import tally.store.RateBuckets;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests per minute and tokens per minute, per key and per person, as token buckets that refill
 * continuously. Requests are taken when admitted; tokens are taken when a response's usage is known,
 * so a bucket can go below zero and then holds requests back until it has refilled. Tokens are
 * counted as Anthropic's rate limits count them: uncached input, cache writes and output, not cache reads.
 *
 * <p>Replicas on one PostgreSQL share the buckets ({@link RateBuckets}): each check is a short
 * transaction on a worker thread, so the limits hold for the fleet, not per replica. If the store
 * does not answer, the replica falls back to its own buckets (then each replica allows the full rate).
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

    private record Check(String name, Bucket bucket, String what, String unit, boolean request) {}

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(RateLimiter.class.getName());

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final GatewayConfig config;
    private volatile Vertx vertx;
    /** The fleet's buckets, or null for a single process. */
    private volatile RateBuckets shared;

    RateLimiter(GatewayConfig config) {
        this.config = config;
    }

    /** From now on, the buckets are the fleet's, in the store. */
    void share(Vertx vertx, RateBuckets shared) {
        this.vertx = vertx;
        this.shared = shared;
    }

    /** {@link #admit}, through the fleet's buckets when there are any (off the event loop; completes on the caller's context). */
    Future<Denied> check(Caller c) {
        RateBuckets shared = this.shared;
        if (shared == null) return Future.succeededFuture(admit(c));
        List<Check> checks = checks(c, System.nanoTime());
        if (checks.isEmpty()) return Future.succeededFuture();
        return vertx.executeBlocking(() -> {
            List<RateBuckets.Draw> draws = new ArrayList<>(checks.size());
            for (Check k : checks) draws.add(new RateBuckets.Draw(k.name, k.bucket.perMinute, k.request ? 1 : 0));
            double[] levels = new double[draws.size()];
            int short_ = shared.take(draws, levels);
            if (short_ < 0) return null;
            Check k = checks.get(short_);
            long wait = Math.max(1, (long) Math.ceil(((k.request ? 1 : 0) - levels[short_]) / (k.bucket.perMinute / 60.0)));
            return denied(k, wait);
        }, false).recover(e -> {
            RateLimiter.LOG.warning("rate limits: the store does not answer (" + e.getMessage() + "); using this replica's own buckets");
            return Future.succeededFuture(admit(c));
        });
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
                    return denied(k, k.bucket.secondsUntil(k.request ? 1 : 0));
                }
            }
            for (Check k : checks) if (k.request) k.bucket.level -= 1;
        }
        return null;
    }

    private static Denied denied(Check k, long wait) {
        return new Denied(wait, "rate limit of " + k.bucket.perMinute + " " + k.unit + " per minute for "
                + k.what + " reached; retry after " + wait + " s");
    }

    /** Takes a finished request's tokens from the token buckets. */
    void spend(Caller c, long tokens) {
        if (tokens <= 0) return;
        long now = System.nanoTime();
        List<Check> checks = checks(c, now);
        RateBuckets shared = this.shared;
        if (shared != null) {
            List<RateBuckets.Draw> draws = new ArrayList<>();
            for (Check k : checks) if (!k.request) draws.add(new RateBuckets.Draw(k.name, k.bucket.perMinute, tokens));
            if (draws.isEmpty()) return;
            vertx.executeBlocking(() -> {
                shared.spend(draws);
                return null;
            }, false).onFailure(e -> LOG.warning("rate limits: cannot charge tokens to the store: " + e.getMessage()));
            return;
        }
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
        if (k != null && k.rpm() != null) out.add(check("rk:" + k.id(), k.rpm(), now, "key " + k.id(), "requests", true));
        if (k != null && k.tpm() != null) out.add(check("tk:" + k.id(), k.tpm(), now, "key " + k.id(), "tokens", false));
        if (config.personRpm() != null) out.add(check("rp:" + c.person(), config.personRpm(), now, c.person(), "requests", true));
        if (config.personTpm() != null) out.add(check("tp:" + c.person(), config.personTpm(), now, c.person(), "tokens", false));
        return out;
    }

    private Check check(String name, long perMinute, long now, String what, String unit, boolean request) {
        return new Check(name, bucket(name, perMinute, now), what, unit, request);
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
