package tally.store;

import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * DuckDB's staging table for a large batch, its repeating text columns (source, who, project,
 * session, model…) typed as an ENUM of the batch's own values. DuckDB's appender writes a VARCHAR
 * longer than 12 bytes with one JNI call per value, but an ENUM value as a small integer looked up
 * in Java: an import's session, working directory and model ids cost about a third of the store
 * thread's appending. Copying staging into the ledger casts them back to text. Only id and
 * request_id, different on every row, stay text. Not for batches that {@link SameCall} may
 * rewrite in staging (it sets text columns to values from the ledger, which no ENUM here holds).
 *
 * <p>A column in which every record of the batch holds the same value (a transcript's source, person
 * and status; its team, latency and region, which it has none of) is staged as a virtual column
 * reading that value, and nothing is appended to it: each appended value is a few calls on the
 * appender's Java side, and a NULL two short-lived objects. So is {@code stored_ms} for records
 * about to be stored, which get it as they go in. Only columns no write sets in staging: those
 * {@link KeptDetail} sets, only in a batch where no record may take detail.
 */
final class EnumStaging {
    /** Smaller batches keep the plain staging table: a new one per batch costs more than it saves. */
    static final int MIN_BATCH = 4_096;
    /** A column with more distinct values stays text: the type's definition grows with them. */
    static final int MAX_VALUES = 4_096;

    private record Column(String name, Function<UsageEvent, String> value) {}

    private static final List<Column> COLUMNS = List.of(
            new Column("source", e -> e.source().label()),
            new Column("provider", UsageEvent::provider),
            new Column("identity", UsageEvent::identity),
            new Column("team", UsageEvent::team),
            new Column("project", UsageEvent::project),
            new Column("session_id", UsageEvent::sessionId),
            new Column("model", UsageEvent::model),
            new Column("model_id", UsageEvent::modelId),
            new Column("catalog_version", UsageEvent::catalogVersion),
            new Column("region", UsageEvent::region));

    /**
     * The columns a batch may stage as virtual, in the order of {@link #values} and {@link #differing}:
     * first those no write sets in staging ({@link SameCall}, which sets who and where, never comes
     * here), then from {@link #SET_BY_DETAIL} on those {@link KeptDetail} sets for a record that may
     * take detail.
     */
    private static final List<String> CANDIDATES = List.of("source", "source_rank", "provider", "identity", "team",
            "project", "session_id", "request_id", "model_id", "web_searches", "is_batch", "latency_ms", "status", "region",
            "cache_write_5m_tokens", "cache_write_1h_tokens", "inference_geo", "is_fast", "model", "cost_nanos", "catalog_version");
    private static final int SET_BY_DETAIL = 14;

    /** One record's values in the {@link #CANDIDATES}, in their order. */
    private static Object[] values(UsageEvent e) {
        TokenCounts t = e.tokens();
        return new Object[] {e.source().label(), e.source().rank(), e.provider(), e.identity(), e.team(), e.project(),
                e.sessionId(), e.requestId(), e.modelId(), e.webSearches(), e.batch(), e.latencyMs(), e.status(), e.region(),
                t.cacheWrite5m(), t.cacheWrite1h(), e.inferenceGeo(), e.fast(), e.model(), e.costNanos(), e.catalogVersion()};
    }

    /**
     * A bit for each of the {@link #CANDIDATES} in which two records differ, in their order: compared
     * field by field, a batch's records cost nanoseconds each (the same through a function per column
     * cost a third of a second an import).
     */
    private static int differing(UsageEvent a, UsageEvent b) {
        TokenCounts x = a.tokens(), y = b.tokens();
        return bit(a.source() != b.source(), 0) | bit(a.source() != b.source(), 1)
                | bit(!Objects.equals(a.provider(), b.provider()), 2) | bit(!Objects.equals(a.identity(), b.identity()), 3)
                | bit(!Objects.equals(a.team(), b.team()), 4) | bit(!Objects.equals(a.project(), b.project()), 5)
                | bit(!Objects.equals(a.sessionId(), b.sessionId()), 6) | bit(!Objects.equals(a.requestId(), b.requestId()), 7)
                | bit(!Objects.equals(a.modelId(), b.modelId()), 8) | bit(a.webSearches() != b.webSearches(), 9)
                | bit(a.batch() != b.batch(), 10) | bit(!Objects.equals(a.latencyMs(), b.latencyMs()), 11)
                | bit(a.status() != b.status(), 12) | bit(!Objects.equals(a.region(), b.region()), 13)
                | bit(x.cacheWrite5m() != y.cacheWrite5m(), 14) | bit(x.cacheWrite1h() != y.cacheWrite1h(), 15)
                | bit(!Objects.equals(a.inferenceGeo(), b.inferenceGeo()), 16) | bit(a.fast() != b.fast(), 17)
                | bit(!Objects.equals(a.model(), b.model()), 18) | bit(!Objects.equals(a.costNanos(), b.costNanos()), 19)
                | bit(!Objects.equals(a.catalogVersion(), b.catalogVersion()), 20);
    }

    private static int bit(boolean set, int i) {
        return set ? 1 << i : 0;
    }

    private EnumStaging() {}

    /**
     * The staging table for one batch: the statement that makes it, and the columns it leaves out of
     * the appender (virtual, each reading the one value the batch holds in it).
     */
    record Shape(String create, Set<String> fixed) {
        boolean has(String column) {
            return !fixed.contains(column);
        }
    }

    /**
     * The staging table for these events, or null when the plain one serves. {@code types}: the
     * ledger's column types by name. {@code arriving}: the records are about to be stored, so
     * {@code stored_ms} is theirs to get as they go in, never staged.
     */
    static Shape create(List<UsageEvent> events, Map<String, String> types, boolean arriving) {
        if (events.size() < MIN_BATCH || LedgerWriter.mayReportTheSameCall(events)) return null;
        Map<String, String> fixed = fixed(events, arriving);
        List<Set<String>> values = distinct(events, fixed.keySet());
        StringBuilder columns = new StringBuilder();
        for (String name : StagingColumns.ALL) {
            String type = types.get(name);
            String literal = fixed.get(name);
            int col = column(name);
            String enumType = literal != null || col < 0 ? null : enumType(values.get(col));
            columns.append(columns.length() == 0 ? "" : ", ").append(name).append(' ').append(enumType != null ? enumType : type);
            if (literal != null) columns.append(" GENERATED ALWAYS AS (CAST(").append(literal).append(" AS ").append(type).append(")) VIRTUAL");
        }
        return new Shape("CREATE OR REPLACE TEMP TABLE usage_staging (" + columns + ")", fixed.keySet());
    }

    /**
     * The columns in which every record holds the same value, each with that value as an SQL literal:
     * those of the {@link #CANDIDATES}, KeptDetail's only where no record may take detail, and
     * stored_ms (NULL) for arriving records.
     */
    private static Map<String, String> fixed(List<UsageEvent> events, boolean arriving) {
        Map<String, String> fixed = new HashMap<>();
        if (arriving) fixed.put(StagingColumns.STORED, "NULL");
        int candidates = (1 << CANDIDATES.size()) - 1;
        UsageEvent first = events.get(0);
        for (int i = 0; candidates != 0 && i < events.size(); i++) { // one pass: a batch is larger than the caches
            UsageEvent e = events.get(i);
            if (KeptDetail.mayTakeDetail(e)) candidates &= (1 << SET_BY_DETAIL) - 1;
            candidates &= ~differing(first, e);
        }
        Object[] values = values(first);
        for (int c = 0; c < CANDIDATES.size(); c++) {
            String literal = (candidates & 1 << c) == 0 ? null : sqlLiteral(values[c]);
            if (literal != null) fixed.put(CANDIDATES.get(c), literal);
        }
        return fixed;
    }

    /** A value as an SQL literal, or null for a text no literal carries as it is. */
    private static String sqlLiteral(Object v) {
        if (v == null) return "NULL";
        if (v instanceof String text) return quoted(text);
        return v.toString(); // a number or a boolean
    }

    private static int column(String name) {
        for (int i = 0; i < COLUMNS.size(); i++) if (COLUMNS.get(i).name().equals(name)) return i;
        return -1;
    }

    /**
     * Each column's distinct values, in one pass over the events (a batch is larger than the CPU's
     * caches: a pass per column cost ten); null for a column past {@link #MAX_VALUES}, and for the
     * {@code fixed} ones, which are not looked at (they need no type of their own).
     */
    private static List<Set<String>> distinct(List<UsageEvent> events, Set<String> fixed) {
        int n = COLUMNS.size();
        List<Set<String>> values = new ArrayList<>(n);
        String[] last = new String[n]; // records of one file share their texts: most repeat the one before
        for (int i = 0; i < n; i++) values.add(fixed.contains(COLUMNS.get(i).name()) ? null : new HashSet<>());
        for (UsageEvent e : events) {
            for (int i = 0; i < n; i++) {
                Set<String> seen = values.get(i);
                if (seen == null) continue;
                String v = COLUMNS.get(i).value().apply(e);
                if (v == null || v == last[i]) continue;
                last[i] = v;
                if (seen.add(v) && seen.size() > MAX_VALUES) values.set(i, null);
            }
        }
        return values;
    }

    /** ENUM('a', 'b', …) of a column's distinct values, or null if it has none, too many or one an ENUM cannot hold. */
    private static String enumType(Set<String> values) {
        if (values == null || values.isEmpty()) return null;
        StringBuilder type = new StringBuilder("ENUM(");
        boolean first = true;
        for (String v : values) {
            String quoted = quoted(v);
            if (quoted == null) return null;
            type.append(first ? "" : ", ").append(quoted);
            first = false;
        }
        return type.append(')').toString();
    }

    /** A text as an SQL string literal, or null when no literal carries it unchanged ({@link #literal}). */
    private static String quoted(String v) {
        return literal(v) ? "'" + v.replace("'", "''") + "'" : null;
    }

    /**
     * Whether a value survives as an SQL literal and back unchanged: no NUL, and no lone surrogate
     * (the appender encodes it as '?', which the type would not hold).
     */
    private static boolean literal(String v) {
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch == 0) return false;
            if (Character.isHighSurrogate(ch)) {
                if (i + 1 >= v.length() || !Character.isLowSurrogate(v.charAt(i + 1))) return false;
                i++;
            } else if (Character.isLowSurrogate(ch)) {
                return false;
            }
        }
        return true;
    }
}
