package tally.store;

import tally.core.UsageEvent;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * <p>A column no record of the batch has a value for (a transcript's team, latency and region) is
 * staged as a virtual column that reads NULL, and nothing is appended to it: the appender's NULL
 * costs two short-lived objects per value, about a fifth of an import's allocation for four such
 * columns. So is {@code stored_ms} for records about to be stored, which get it as they go in.
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
     * The nullable columns a batch may stage as virtual when no record has, or may be given, a value
     * for them. A write sets some in staging: {@link KeptDetail} the geo (and the cost and catalog,
     * which most records have), {@link SameCall} who and where (its batches never come here).
     */
    private static final List<Nullable> MAY_BE_ABSENT = List.of(
            new Nullable("team", e -> e.team() != null),
            new Nullable("request_id", e -> e.requestId() != null),
            new Nullable("latency_ms", e -> e.latencyMs() != null),
            new Nullable("region", e -> e.region() != null),
            new Nullable("inference_geo", e -> e.inferenceGeo() != null || KeptDetail.mayTakeDetail(e)));

    private record Nullable(String name, java.util.function.Predicate<UsageEvent> has) {}

    private EnumStaging() {}

    /**
     * The staging table for one batch: the statement that makes it, and the columns it leaves out of
     * the appender (virtual, reading NULL).
     */
    record Shape(String create, Set<String> absent) {
        boolean has(String column) {
            return !absent.contains(column);
        }
    }

    /**
     * The staging table for these events, or null when the plain one serves. {@code types}: the
     * ledger's column types by name. {@code arriving}: the records are about to be stored, so
     * {@code stored_ms} is theirs to get as they go in, never staged.
     */
    static Shape create(List<UsageEvent> events, Map<String, String> types, boolean arriving) {
        if (events.size() < MIN_BATCH || LedgerWriter.mayReportTheSameCall(events)) return null;
        List<Set<String>> values = distinct(events);
        Set<String> absent = absent(events, arriving);
        StringBuilder columns = new StringBuilder();
        for (String name : (StagingColumns.LIST + ", " + StagingColumns.STORED).split(", ")) {
            int col = column(name);
            String enumType = col < 0 ? null : enumType(values.get(col));
            String type = enumType != null ? enumType : types.get(name);
            columns.append(columns.length() == 0 ? "" : ", ").append(name).append(' ').append(type);
            if (absent.contains(name)) columns.append(" GENERATED ALWAYS AS (CAST(NULL AS ").append(type).append(")) VIRTUAL");
        }
        return new Shape("CREATE OR REPLACE TEMP TABLE usage_staging (" + columns + ")", absent);
    }

    /** The columns of {@link #MAY_BE_ABSENT} that no record has a value for, and stored_ms for arriving records. */
    private static Set<String> absent(List<UsageEvent> events, boolean arriving) {
        Set<String> absent = new HashSet<>();
        if (arriving) absent.add(StagingColumns.STORED);
        for (Nullable c : MAY_BE_ABSENT) {
            boolean none = true;
            for (int i = 0; none && i < events.size(); i++) none = !c.has().test(events.get(i));
            if (none) absent.add(c.name());
        }
        return absent;
    }

    private static int column(String name) {
        for (int i = 0; i < COLUMNS.size(); i++) if (COLUMNS.get(i).name().equals(name)) return i;
        return -1;
    }

    /**
     * Each column's distinct values, in one pass over the events (a batch is larger than the CPU's
     * caches: a pass per column cost ten); null for a column past {@link #MAX_VALUES}.
     */
    private static List<Set<String>> distinct(List<UsageEvent> events) {
        int n = COLUMNS.size();
        List<Set<String>> values = new ArrayList<>(n);
        String[] last = new String[n]; // records of one file share their texts: most repeat the one before
        for (int i = 0; i < n; i++) values.add(new HashSet<>());
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
            if (!literal(v)) return null;
            type.append(first ? "'" : ", '").append(v.replace("'", "''")).append('\'');
            first = false;
        }
        return type.append(')').toString();
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
