package tally.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import tally.core.Nanos;
import tally.core.TokenCounts;
import tally.report.ReportRange;
import tally.store.UsageRow;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The API's JSON shapes shared by several resources. Money leaves as an exact decimal string of
 * dollars ({@code "12.345678"}), never a float; the same field names as {@code tally report --format json}.
 */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A document as the body of an answer: UTF-8, compact. */
    static Buffer buffer(JsonNode document) {
        return Buffer.buffer(document.toString());
    }

    /** Writes a document with a generator (the same bytes a tree would print as), for answers too large to build as a tree. */
    interface Document {
        void write(JsonGenerator g) throws IOException;
    }

    /** A document written by {@code d} straight into a body, with no tree of nodes nor a String between. */
    static Buffer written(Document d) {
        Chunks into = new Chunks();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(into)) {
            d.write(g);
        } catch (IOException e) { // nothing does I/O here: the body is in memory
            throw new UncheckedIOException(e);
        }
        return into.body();
    }

    /**
     * Bytes gathered in chunks, then copied once into a body of their exact size. One body grown as
     * it was written doubled its capacity, copying and zeroing each time: a day split by person
     * (2.08 MB) allocated 8 MB and spent ~4 ms a call growing it (profiled); this allocates twice the answer.
     */
    private static final class Chunks extends OutputStream {
        private static final int CHUNK = 64 * 1024;
        private final List<byte[]> full = new ArrayList<>();
        private byte[] current = new byte[CHUNK];
        private int used;

        @Override
        public void write(int b) {
            if (used == CHUNK) next();
            current[used++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (used == CHUNK) next();
                int n = Math.min(len, CHUNK - used);
                System.arraycopy(b, off, current, used, n);
                used += n;
                off += n;
                len -= n;
            }
        }

        private void next() {
            full.add(current);
            current = new byte[CHUNK];
            used = 0;
        }

        Buffer body() {
            Buffer body = Buffer.buffer(full.size() * CHUNK + used);
            for (byte[] c : full) body.appendBytes(c);
            return body.appendBytes(current, 0, used);
        }
    }

    static void range(JsonGenerator g, ReportRange r) throws IOException {
        g.writeStringField("from", r.from().toString());
        g.writeStringField("to", r.to().toString());
        g.writeStringField("timezone", r.zone().getId());
    }

    static ObjectNode range(ReportRange r) {
        return object().put("from", r.from().toString()).put("to", r.to().toString()).put("timezone", r.zone().getId());
    }

    static ObjectNode usage(ObjectNode o, UsageRow row) {
        return tally.report.UsageRowJson.fields(o, row);
    }

    static ObjectNode tokens(ObjectNode o, TokenCounts t) {
        return o.put("input_tokens", t.input())
                .put("cache_write_5m_tokens", t.cacheWrite5m())
                .put("cache_write_1h_tokens", t.cacheWrite1h())
                .put("cache_read_tokens", t.cacheRead())
                .put("output_tokens", t.output());
    }

    static ObjectNode money(ObjectNode o, String field, Long nanos) {
        return nanos == null ? o.putNull(field) : o.put(field, Nanos.toDecimal(nanos));
    }
}
