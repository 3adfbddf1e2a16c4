package tally.report;

import com.fasterxml.jackson.core.JsonGenerator;
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

    /** Where the fields go: a tree's object or a generator's open object. */
    private interface Fields {
        void number(String name, long value) throws IOException;

        void text(String name, String value) throws IOException;
    }

    /** Writes the row's fields into {@code o}, after whatever the caller put first (key, split), and returns it. */
    public static ObjectNode fields(ObjectNode o, UsageRow row) {
        try {
            write(row, new Fields() {
                @Override
                public void number(String name, long value) {
                    o.put(name, value);
                }

                @Override
                public void text(String name, String value) {
                    o.put(name, value);
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
            public void number(String name, long value) throws IOException {
                g.writeNumberField(name, value);
            }

            @Override
            public void text(String name, String value) throws IOException {
                g.writeStringField(name, value);
            }
        });
    }

    private static void write(UsageRow row, Fields f) throws IOException {
        TokenCounts t = row.tokens();
        f.number("requests", row.requests());
        f.number("failed_requests", row.failed());
        f.number("input_tokens", t.input());
        f.number("cache_write_5m_tokens", t.cacheWrite5m());
        f.number("cache_write_1h_tokens", t.cacheWrite1h());
        f.number("cache_write_tokens", t.cacheWrite());
        f.number("cache_read_tokens", t.cacheRead());
        f.number("output_tokens", t.output());
        f.number("total_tokens", t.total());
        f.number("web_searches", row.webSearches());
        f.text("cost_usd", Nanos.toDecimal(row.costNanos()));
        f.number("cost_nanos", row.costNanos());
        f.number("unpriced_requests", row.unpriced());
    }
}
