package tally.store;

import tally.core.TokenCounts;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Usage per local day or hour, split by a second dimension (developer, team, model, source): the
 * stacked charts and sparklines. Reads the 15-minute rollup and lets the database cut local days:
 * the range is split where the zone's offset changes, and within each piece a bucket's local
 * period is (bucket + offset) truncated, which is exact because every offset is a multiple of 15 minutes.
 */
public final class UsageSeries {
    private static final String PERSON = Ledger.PERSON;
    private static final long HOUR_MS = 3_600_000L;

    /** One point: a local period (its first day or hour), a split key, and the sums. */
    public record Point(LocalDateTime period, String split, UsageRow usage) {}

    private final Ledger ledger;

    public UsageSeries(Ledger ledger) {
        this.ledger = ledger;
    }

    /** q.by() is the step (DAY or HOUR); split is USER, TEAM, MODEL or SOURCE. Sorted by period, then cost. */
    public List<Point> query(UsageQuery q, Dimension split) {
        long step = switch (q.by()) {
            case DAY -> Ledger.DAY_MS;
            case HOUR -> HOUR_MS;
            default -> throw new IllegalArgumentException("a series steps by day or hour, not " + q.by());
        };
        String key = switch (split) {
            case USER -> PERSON;
            case TEAM -> Ledger.TEAM;
            case MODEL -> "r.model";
            case SOURCE -> "r.source";
            default -> throw new IllegalArgumentException("a series splits by person, team, model or source, not " + split);
        };
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        for (long[] piece : constantOffsetPieces(q.from(), q.to(), q.zone())) {
            long off = piece[2];
            String local = "(r.bucket_ms + " + off + ")";
            if (sql.length() > 0) sql.append(" UNION ALL ");
            sql.append("SELECT ").append(local).append(" - (").append(local).append(" % ").append(step).append("), ")
                    .append(key).append(", sum(r.requests), sum(r.failed), sum(r.input_tokens), sum(r.cache_write_5m_tokens),")
                    .append(" sum(r.cache_write_1h_tokens), sum(r.cache_read_tokens), sum(r.output_tokens), sum(r.web_searches),")
                    .append(" sum(r.cost_nanos), sum(r.unpriced)")
                    .append(" FROM (SELECT * FROM usage_rollup WHERE bucket_ms >= ? AND bucket_ms < ?) r")
                    .append(Ledger.joins(split, q).equals(" r") ? "" : " LEFT JOIN aliases a ON a.alias = r.identity"
                            + " LEFT JOIN people p ON p.name = " + PERSON)
                    .append(filters(q, piece, params))
                    .append(" GROUP BY 1, 2 HAVING sum(r.requests) <> 0");
        }
        // A local day that straddles an offset change comes back from two pieces: add them up.
        Map<String, Point> merged = new TreeMap<>();
        ledger.query(sql.toString(), params, rs -> {
            LocalDateTime period = LocalDateTime.ofEpochSecond(Math.floorDiv(rs.getLong(1), 1000), 0, ZoneOffset.UTC);
            UsageRow row = new UsageRow(rs.getString(2), rs.getLong(3), rs.getLong(4),
                    new TokenCounts(rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9)),
                    rs.getLong(10), rs.getLong(11), rs.getLong(12));
            merged.merge(period + "\u0000" + row.key(), new Point(period, row.key(), row),
                    (x, y) -> new Point(x.period(), x.split(), x.usage().plus(y.usage())));
            return null;
        });
        List<Point> out = new ArrayList<>(merged.values());
        out.sort((x, y) -> !x.period().equals(y.period()) ? x.period().compareTo(y.period())
                : x.usage().costNanos() != y.usage().costNanos() ? Long.compare(y.usage().costNanos(), x.usage().costNanos())
                : x.split().compareTo(y.split()));
        return out;
    }

    private static String filters(UsageQuery q, long[] piece, List<Object> params) {
        params.add(piece[0]);
        params.add(piece[1]);
        return Ledger.filters(q, params);
    }

    /** [from, to) cut where the zone's offset changes: {start ms, end ms, offset ms} each. */
    static List<long[]> constantOffsetPieces(Instant from, Instant to, ZoneId zone) {
        List<long[]> out = new ArrayList<>();
        Instant at = from;
        while (at.isBefore(to)) {
            ZoneOffsetTransition next = zone.getRules().nextTransition(at);
            Instant end = next == null || !next.getInstant().isBefore(to) ? to : next.getInstant();
            out.add(new long[] {at.toEpochMilli(), end.toEpochMilli(),
                    zone.getRules().getOffset(at).getTotalSeconds() * 1000L});
            at = end;
        }
        return out;
    }
}
