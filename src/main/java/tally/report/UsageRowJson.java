package tally.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Nanos;
import tally.core.TokenCounts;
import tally.store.UsageRow;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON shape of a usage row, for the CLI's reports and the REST API alike (callers add the
 * key): its fields are listed once, in {@link #write}, whether they go into a tree or a generator.
 */
public final class UsageRowJson {
    private UsageRowJson() {}

    /**
     * The field names, quoted and encoded once: a generator given a String name escapes and encodes it
     * on every call, which was three quarters of writing a month by day split by person (6,000 rows:
     * 12 -> 3 ms, measured).
     */
    private static final SerializableString REQUESTS = new SerializedString("requests"),
            FAILED = new SerializedString("failed_requests"), INPUT = new SerializedString("input_tokens"),
            CACHE_WRITE_5M = new SerializedString("cache_write_5m_tokens"),
            CACHE_WRITE_1H = new SerializedString("cache_write_1h_tokens"),
            CACHE_WRITE = new SerializedString("cache_write_tokens"), CACHE_READ = new SerializedString("cache_read_tokens"),
            OUTPUT = new SerializedString("output_tokens"), TOTAL = new SerializedString("total_tokens"),
            WEB_SEARCHES = new SerializedString("web_searches"), COST_USD = new SerializedString("cost_usd"),
            COST_NANOS = new SerializedString("cost_nanos"), UNPRICED = new SerializedString("unpriced_requests");

    /** Where the fields go: a tree's object or a generator's open object. */
    private interface Fields {
        void number(SerializableString name, long value) throws IOException;

        void text(SerializableString name, String value) throws IOException;
    }

    /** Writes the row's fields into {@code o}, after whatever the caller put first (key, split), and returns it. */
    public static ObjectNode fields(ObjectNode o, UsageRow row) {
        try {
            write(row, new Fields() {
                @Override
                public void number(SerializableString name, long value) {
                    o.put(name.getValue(), value);
                }

                @Override
                public void text(SerializableString name, String value) {
                    o.put(name.getValue(), value);
                }
            });
        } catch (IOException e) { // a tree in memory does no I/O
            throw new UncheckedIOException(e);
        }
        return o;
    }

    /** The same fields, in the same order, written by a generator inside the object the caller opened. */
    public static void fields(JsonGenerator g, UsageRow row) throws IOException {
        write(row, new Fields() {
            @Override
            public void number(SerializableString name, long value) throws IOException {
                g.writeFieldName(name);
                g.writeNumber(value);
            }

            @Override
            public void text(SerializableString name, String value) throws IOException {
                g.writeFieldName(name);
                g.writeString(value);
            }
        });
    }

    private static void write(UsageRow row, Fields f) throws IOException {
        TokenCounts t = row.tokens();
        f.number(REQUESTS, row.requests());
        f.number(FAILED, row.failed());
        f.number(INPUT, t.input());
        f.number(CACHE_WRITE_5M, t.cacheWrite5m());
        f.number(CACHE_WRITE_1H, t.cacheWrite1h());
        f.number(CACHE_WRITE, t.cacheWrite());
        f.number(CACHE_READ, t.cacheRead());
        f.number(OUTPUT, t.output());
        f.number(TOTAL, t.total());
        f.number(WEB_SEARCHES, row.webSearches());
        f.text(COST_USD, Nanos.toDecimal(row.costNanos()));
        f.number(COST_NANOS, row.costNanos());
        f.number(UNPRICED, row.unpriced());
    }
}
