package tally.alerts;

import tally.store.Ledger;

import java.time.Instant;

/** Time windows cut on the rollup's 15-minute buckets, which is as fine as rules can see. */
final class Windows {
    private Windows() {}

    static long bucketStart(Instant t) {
        return Math.floorDiv(t.toEpochMilli(), Ledger.BUCKET_MS) * Ledger.BUCKET_MS;
    }

    /** The end of the bucket {@code now} is in: every record so far falls before it. */
    static Instant throughNow(Instant now) {
        return Instant.ofEpochMilli(bucketStart(now) + Ledger.BUCKET_MS);
    }

    /** Whole buckets covering at least the last {@code minutes} before now. */
    static Instant lastMinutes(Instant now, long minutes) {
        long buckets = Math.max(1, (minutes * 60_000 + Ledger.BUCKET_MS - 1) / Ledger.BUCKET_MS);
        return Instant.ofEpochMilli(bucketStart(now) - buckets * Ledger.BUCKET_MS);
    }
}
