package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRulesProvider;
import java.util.List;

/**
 * The daily rollup by who in the local days of one zone: the zone a server last ran in (none until
 * one has). A month by day split by person in that zone then reads one
 * pre-summed row per developer and day; from the UTC days it sums three rows into each (the day,
 * and the hours near midnight moved in and out), and that hash aggregate was most of the call.
 * Every writer folds into it whatever zone it runs in, so it stays equal to the ledger; a server
 * in another zone rebuilds it from the hourly rollup by who (or the 15-minute one) when it starts.
 * On PostgreSQL, where replicas share it, each write reads which zone is kept under the writers'
 * lock, and a reader checks it in the snapshot it reads the days in ({@link #seen}).
 */
final class LocalDays {
    static final String TABLE = "usage_rollup_local_who";

    static final LocalDays NONE = new LocalDays(null);

    private final ZoneId zone;

    private LocalDays(ZoneId zone) {
        this.zone = zone;
    }

    /** Whether a zone is kept at all. */
    boolean kept() {
        return zone != null;
    }

    /** Whether the whole local days of {@code asked} can be read here. */
    boolean covers(ZoneId asked) {
        return zone != null && zone.normalized().equals(asked.normalized());
    }

    /**
     * The zone kept, as stored; none when no server has run on the store. Days summed under other
     * rules for the zone (another JDK's time-zone data, or a zone this one does not know) are
     * forgotten here, as this process would fold its writes into them differently: the next server
     * fills them again.
     */
    static LocalDays read(Store store) {
        return store.inTransaction(LocalDays::read);
    }

    /**
     * As {@link #read(Store)}, in a transaction {@code c}: a write's, under the writers' lock, on
     * PostgreSQL, where another replica may have kept the days anew (a server in another zone) or
     * dropped them since this process last looked.
     */
    static LocalDays read(Connection c) throws SQLException {
        List<String[]> kept = Jdbc.query(c, ZONE, List.of(), LocalDays::zoneAndRules);
        if (kept.isEmpty()) return NONE;
        LocalDays days = of(kept.get(0));
        if (!days.kept()) Jdbc.update(c, "DELETE FROM usage_rollup_local_zone"); // this process cannot fold into them
        return days;
    }

    /** The days kept as a reader sees them in its snapshot: none where kept under other rules. Forgets nothing. */
    static LocalDays seen(Connection c) throws SQLException {
        List<String[]> kept = Jdbc.query(c, ZONE, List.of(), LocalDays::zoneAndRules);
        return kept.isEmpty() ? NONE : of(kept.get(0));
    }

    private static final String ZONE = "SELECT zone, rules FROM usage_rollup_local_zone";

    private static String[] zoneAndRules(java.sql.ResultSet rs) throws SQLException {
        return new String[] {rs.getString(1), rs.getString(2)};
    }

    /** The days kept for a stored zone and rules, when this JDK has the same rules for it. */
    private static LocalDays of(String[] stored) {
        try {
            ZoneId zone = ZoneId.of(stored[0]);
            return rules(zone).equals(stored[1]) ? new LocalDays(zone) : NONE;
        } catch (java.time.DateTimeException e) {
            return NONE;
        }
    }

    /** The version of this JDK's time-zone rules for a zone ("" for a fixed offset). */
    private static String rules(ZoneId zone) {
        try {
            return ZoneRulesProvider.getVersions(zone.getId()).lastKey();
        } catch (java.time.DateTimeException e) {
            return "";
        }
    }

    /**
     * Keeps the local days of {@code wanted}: nothing to do when they are kept already (under the
     * same rules) and {@code refill} is false, else the rollup is filled again from the rollups by
     * UTC bucket. Inside the writers' transaction. PostgreSQL refills at every server's start: a
     * fleet upgraded replica by replica has older replicas writing meanwhile that fold nothing into
     * these days (they do into the rollups by UTC bucket), and the last replica started then sums
     * them all in.
     */
    static LocalDays keep(Connection c, ZoneId wanted, boolean refill) throws SQLException {
        if (!refill) {
            List<String[]> kept = Jdbc.query(c, ZONE, List.of(), LocalDays::zoneAndRules);
            if (!kept.isEmpty() && kept.get(0)[0].equals(wanted.getId()) && of(kept.get(0)).kept()) return new LocalDays(wanted);
        }
        Jdbc.update(c, "DELETE FROM usage_rollup_local_zone");
        Jdbc.update(c, "DELETE FROM " + TABLE);
        Jdbc.update(c, "INSERT INTO usage_rollup_local_zone (zone, rules) VALUES (?, ?)", wanted.getId(), rules(wanted));
        LocalDays days = new LocalDays(wanted);
        days.fill(c);
        return days;
    }

    /** Sums the hourly rollup by who (the 15-minute rollup where an offset is not whole hours) into local days. */
    private void fill(Connection c) throws SQLException {
        long[] range = range(c, "usage_rollup");
        if (range == null) return;
        boolean wholeHours = true;
        for (long[] piece : pieces(range)) wholeHours &= piece[2] % Ledger.HOUR_MS == 0;
        String source = wholeHours ? Rollups.HOURLY_WHO : "usage_rollup";
        if (wholeHours) range = range(c, source); // its first hour begins before the first 15-minute bucket
        if (range == null) return;
        Jdbc.update(c, "INSERT INTO " + TABLE + " (" + Rollups.COLUMNS + ") "
                + summed(source, " WHERE bucket_ms BETWEEN ? AND ?", range), range[0], range[1]);
    }

    /** The first and last bucket of a rollup; null when it is empty. */
    private static long[] range(Connection c, String rollup) throws SQLException {
        return Jdbc.query(c, "SELECT min(bucket_ms), max(bucket_ms) FROM " + rollup, List.of(),
                rs -> rs.getObject(1) == null ? null : new long[] {rs.getLong(1), rs.getLong(2)}).get(0);
    }

    /**
     * The rows of {@code table} (the writers' delta, or a rollup by UTC bucket) that {@code where}
     * keeps, all with bucket_ms in {@code range}, summed per local day, identity and team (a day split
     * by team reads the row's own team before the person's).
     */
    String summed(String table, String where, long[] range) {
        StringBuilder sums = new StringBuilder();
        for (String s : Rollups.SUMS) sums.append(", sum(").append(s).append(") AS ").append(s);
        String local = "(bucket_ms + " + offsets(range) + ")";
        return "SELECT " + local + " - (" + local + " % " + Ledger.DAY_MS + ") AS bucket_ms, identity, team,"
                + " '' AS model, '' AS source" + sums + ", '' AS project, '' AS region FROM " + table + where
                + " GROUP BY 1, identity, team";
    }

    /**
     * The kept rows r (columns of r) of the local days in {@code days} (from, to, as keyed) that
     * {@code where} keeps and that hold records (a day and identity whose records all went sums to 0).
     */
    static String rows(String columns, long[] days, Where where, List<Object> params) {
        return rows(columns, "", days, where, params);
    }

    /** As {@link #rows(String, long[], Where, List)}, with {@code joins} after the kept rows r (the people's, for {@code where}). */
    static String rows(String columns, String joins, long[] days, Where where, List<Object> params) {
        Where w = where.copy().and("r.bucket_ms >= ? AND r.bucket_ms < ?", days[0], days[1]).and("r.requests <> 0");
        params.addAll(w.params());
        return "SELECT " + columns + " FROM " + TABLE + " r" + joins + w.sql();
    }

    /** The local days (as the rollup keys them) of the first and last bucket of a range. */
    long[] days(long[] range) {
        return new long[] {day(range[0]), day(range[1])};
    }

    private long day(long bucketMs) {
        long local = bucketMs + zone.getRules().getOffset(Instant.ofEpochMilli(bucketMs)).getTotalSeconds() * 1000L;
        return local - Math.floorMod(local, Ledger.DAY_MS);
    }

    /**
     * The zone's offset in ms at bucket_ms, for buckets in {@code range}: one number, or a CASE over
     * the offset changes in it. Exact per 15-minute bucket: offsets change on quarter hours.
     */
    private String offsets(long[] range) {
        List<long[]> pieces = pieces(range);
        if (pieces.size() == 1) return Long.toString(pieces.get(0)[2]);
        StringBuilder sql = new StringBuilder("CASE");
        for (int i = 0; i < pieces.size() - 1; i++) {
            sql.append(" WHEN bucket_ms < ").append(pieces.get(i)[1]).append(" THEN ").append(pieces.get(i)[2]);
        }
        return sql.append(" ELSE ").append(pieces.get(pieces.size() - 1)[2]).append(" END").toString();
    }

    private List<long[]> pieces(long[] range) {
        return UsageSeries.constantOffsetPieces(Instant.ofEpochMilli(range[0]), Instant.ofEpochMilli(range[1] + 1), zone);
    }
}
