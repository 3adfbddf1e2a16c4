package tally.report;

import tally.core.TokenCounts;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Claude's 5-hour usage windows, computed as ccusage's {@code blocks} does (docs/formats.md §4.6): records in
 * time order; a block starts at its first record's time floored to the UTC hour and lasts the
 * session length; a record more than that after the block's start or after the previous record
 * starts a new block, and an idle stretch longer than the session length shows as a gap block. The
 * active block (last record within the session length, now before its end) gets a burn rate and a
 * projection to its end. Streams: only the current block is held.
 */
public final class SessionBlocks {

    public record Block(Instant start, Instant end, Instant firstEntry, Instant actualEnd, boolean gap, long entries,
                        TokenCounts tokens, long costNanos, Set<String> models, boolean active,
                        BurnRate burnRate, Projection projection) {

        public String id() {
            return gap ? "gap-" + start : start.toString();
        }

        /** ccusage's total: every token class, cache writes and reads included. */
        public long totalTokens() {
            return tokens.total();
        }
    }

    /** Per minute and per hour over the block's span of records; costPerHour in dollars. */
    public record BurnRate(double tokensPerMinute, double tokensPerMinuteForIndicator, double costPerHour) {}

    public record Projection(long totalTokens, BigDecimal totalCost, long remainingMinutes) {}

    private final Duration length;
    /** The length in whole milliseconds: records are, so comparing with it is comparing with the length. */
    private final long lengthMs;
    private final Instant now;
    private final List<Block> blocks = new ArrayList<>();

    private Instant start;
    private Instant first;
    private long startMs;
    private long lastMs;
    private long entries;
    private TokenCounts tokens = TokenCounts.ZERO;
    private long cost;
    private Set<String> models = new LinkedHashSet<>();

    public SessionBlocks(Duration length, Instant now) {
        this.length = length;
        this.lengthMs = length.toMillis();
        this.now = now;
    }

    /** Records must come oldest first, times to the millisecond; {@code costNanos} null when unpriced. */
    public void add(Instant t, String model, TokenCounts tokens, Long costNanos) {
        add(t.toEpochMilli(), model, tokens, costNanos);
    }

    /** As {@link #add(Instant, String, TokenCounts, Long)}, the time in epoch milliseconds (no objects per record). */
    public void add(long tMs, String model, TokenCounts tokens, Long costNanos) {
        if (start != null) {
            boolean pastBlock = tMs - startMs > lengthMs;
            boolean idle = tMs - lastMs > lengthMs;
            if (pastBlock || idle) {
                close();
                if (idle) blocks.add(gap(last(), Instant.ofEpochMilli(tMs)));
                start = null;
            }
        }
        if (start == null) {
            first = Instant.ofEpochMilli(tMs);
            start = first.truncatedTo(ChronoUnit.HOURS);
            startMs = start.toEpochMilli();
            entries = 0;
            this.tokens = TokenCounts.ZERO;
            cost = 0;
            models = new LinkedHashSet<>();
        }
        lastMs = tMs;
        entries++;
        this.tokens = this.tokens.plus(tokens);
        if (costNanos != null) cost = tally.core.Bounds.add(cost, costNanos, "block cost in nano-dollars");
        models.add(model);
    }

    private Instant last() {
        return Instant.ofEpochMilli(lastMs);
    }

    public List<Block> blocks() {
        if (start != null) {
            close();
            start = null;
        }
        return blocks;
    }

    private Block gap(Instant lastActivity, Instant next) {
        Instant s = lastActivity.plus(length);
        return new Block(s, next, null, null, true, 0, TokenCounts.ZERO, 0, Set.of(), false, null, null);
    }

    private void close() {
        Instant end = start.plus(length);
        Instant last = last();
        boolean active = Duration.between(last, now).compareTo(length) < 0 && now.isBefore(end);
        BurnRate rate = burnRate();
        Projection projection = active && rate != null ? project(rate, end) : null;
        blocks.add(new Block(start, end, first, last, false, entries, tokens, cost, models, active, rate, projection));
    }

    private BurnRate burnRate() {
        double minutes = (lastMs - first.toEpochMilli()) / 60_000.0;
        if (entries == 0 || minutes <= 0) return null;
        double dollars = cost / 1e9;
        return new BurnRate(tokens.total() / minutes, (tokens.input() + tokens.output()) / minutes, dollars / minutes * 60);
    }

    private Projection project(BurnRate rate, Instant end) {
        double remaining = Math.max(0, Duration.between(now, end).toMillis() / 60_000.0);
        long totalTokens = Math.round(tokens.total() + rate.tokensPerMinute() * remaining);
        double totalCost = cost / 1e9 + rate.costPerHour() / 60 * remaining;
        return new Projection(totalTokens, BigDecimal.valueOf(totalCost).setScale(2, RoundingMode.HALF_UP), Math.round(remaining));
    }
}
