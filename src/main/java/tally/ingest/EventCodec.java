package tally.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import tally.core.CounterPoint;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;

/**
 * One {@link UsageEvent} as one line of JSON, streamed (no tree, no reflection): the spool's format
 * and the ledger's export format. Field names are stable; unknown fields are skipped on read.
 */
public final class EventCodec {
    private static final JsonFactory JSON = new JsonFactory();
    /**
     * For writing UTF-8 itself: a character beyond the BMP (an emoji in a name) as its four bytes, as
     * the writer-based generator writes it, not as an escaped surrogate pair.
     */
    private static final JsonFactory UTF8 = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

    private EventCodec() {}

    public static void write(UsageEvent e, Writer out) throws IOException {
        write(e, out, false);
    }

    /**
     * As {@link #write(UsageEvent, Writer)}; for the export, also the cost as a decimal string
     * ({@code cost_usd}, as in CSV) beside the exact {@code cost_nanos}. Reading skips it.
     */
    public static void write(UsageEvent e, Writer out, boolean withUsd) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            write(e, g, withUsd);
        }
    }

    /**
     * Records as lines (each record, then a newline) into a byte stream, through one generator that
     * writes UTF-8 itself: the spool's batches. A generator and a char-to-byte encoder per record cost
     * about as much garbage as the records' own bytes.
     */
    public static void writeLines(java.util.List<UsageEvent> events, java.io.OutputStream out) throws IOException {
        try (JsonGenerator g = UTF8.createGenerator(out, com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(null); // the newline below is the only separator
            for (UsageEvent e : events) {
                write(e, g, false);
                g.writeRaw('\n');
            }
        }
    }

    /** One record's object, as the spool and the export write it. */
    private static void write(UsageEvent e, JsonGenerator g, boolean withUsd) throws IOException {
        TokenCounts t = e.tokens();
        g.writeStartObject();
        g.writeStringField("id", e.id());
        g.writeNumberField("ts_ms", e.time().toEpochMilli());
        g.writeStringField("source", e.source().label());
        g.writeStringField("provider", e.provider());
        g.writeStringField("identity", e.identity());
        if (e.team() != null) g.writeStringField("team", e.team());
        if (e.project() != null) g.writeStringField("project", e.project());
        if (e.sessionId() != null) g.writeStringField("session_id", e.sessionId());
        if (e.requestId() != null) g.writeStringField("request_id", e.requestId());
        g.writeStringField("model", e.model());
        g.writeStringField("model_id", e.modelId());
        g.writeNumberField("input_tokens", t.input());
        g.writeNumberField("cache_write_5m_tokens", t.cacheWrite5m());
        g.writeNumberField("cache_write_1h_tokens", t.cacheWrite1h());
        g.writeNumberField("cache_read_tokens", t.cacheRead());
        g.writeNumberField("output_tokens", t.output());
        if (e.webSearches() != 0) g.writeNumberField("web_searches", e.webSearches());
        if (e.batch()) g.writeBooleanField("batch", true);
        if (e.fast()) g.writeBooleanField("fast", true);
        if (e.costNanos() != null) g.writeNumberField("cost_nanos", e.costNanos());
        if (withUsd && e.costNanos() != null) g.writeStringField("cost_usd", tally.core.Nanos.toDecimal(e.costNanos()));
        if (e.catalogVersion() != null) g.writeStringField("catalog_version", e.catalogVersion());
        if (e.latencyMs() != null) g.writeNumberField("latency_ms", e.latencyMs());
        g.writeNumberField("status", e.status());
        if (e.region() != null) g.writeStringField("region", e.region());
        if (e.inferenceGeo() != null) g.writeStringField("inference_geo", e.inferenceGeo());
        if (!e.counters().isEmpty()) writeCounters(e.counters(), g);
        g.writeEndObject();
    }

    /** The counter points a telemetry record was counted from: they are applied with it (see CounterPoint). */
    private static void writeCounters(java.util.List<CounterPoint> points, JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("counters");
        for (CounterPoint c : points) {
            g.writeStartObject();
            g.writeStringField("series", c.series());
            g.writeNumberField("start_ns", c.startNanos());
            g.writeNumberField("time_ns", c.timeNanos());
            g.writeNumberField("value", c.value());
            g.writeNumberField("increment", c.increment());
            if (c.part() != null) g.writeStringField("part", c.part().name());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void readCounters(JsonParser p, UsageEvent.Builder b) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) throw new IllegalArgumentException("counters is not an array");
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String series = null;
            String part = null;
            long start = 0, time = 0;
            double value = 0, increment = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "series" -> series = p.getText();
                    case "start_ns" -> start = p.getLongValue();
                    case "time_ns" -> time = p.getLongValue();
                    case "value" -> value = p.getDoubleValue();
                    case "increment" -> increment = p.getDoubleValue();
                    case "part" -> part = p.getText();
                    default -> p.skipChildren();
                }
            }
            if (series == null || part == null) throw new IllegalArgumentException("a counter point without series or part");
            b.counter(new CounterPoint(series, start, time, value, increment, CounterPoint.Part.valueOf(part)));
        }
    }

    public static String toLine(UsageEvent e) {
        java.io.StringWriter w = new java.io.StringWriter(320);
        try {
            write(e, w);
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return w.toString();
    }

    /** Parses one line; throws IllegalArgumentException naming what is wrong. */
    public static UsageEvent read(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("not a JSON object");
            UsageEvent.Builder b = UsageEvent.builder();
            long in = 0, w5 = 0, w1 = 0, cr = 0, out = 0;
            Long cost = null;
            String version = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "id" -> b.id(p.getText());
                    case "ts_ms" -> b.time(Instant.ofEpochMilli(p.getLongValue()));
                    case "source" -> b.source(Source.fromLabel(p.getText()));
                    case "provider" -> b.provider(p.getText());
                    case "identity" -> b.identity(p.getText());
                    case "team" -> b.team(p.getText());
                    case "project" -> b.project(p.getText());
                    case "session_id" -> b.sessionId(p.getText());
                    case "request_id" -> b.requestId(p.getText());
                    case "model" -> b.model(p.getText());
                    case "model_id" -> b.modelId(p.getText());
                    case "input_tokens" -> in = p.getLongValue();
                    case "cache_write_5m_tokens" -> w5 = p.getLongValue();
                    case "cache_write_1h_tokens" -> w1 = p.getLongValue();
                    case "cache_read_tokens" -> cr = p.getLongValue();
                    case "output_tokens" -> out = p.getLongValue();
                    case "web_searches" -> b.webSearches(p.getLongValue());
                    case "batch" -> b.batch(p.getBooleanValue());
                    case "fast" -> b.fast(p.getBooleanValue());
                    case "cost_nanos" -> cost = p.getLongValue();
                    case "catalog_version" -> version = p.getText();
                    case "latency_ms" -> b.latencyMs(p.getLongValue());
                    case "status" -> b.status(p.getIntValue());
                    case "region" -> b.region(p.getText());
                    case "inference_geo" -> b.inferenceGeo(p.getText());
                    case "counters" -> readCounters(p, b);
                    default -> p.skipChildren();
                }
            }
            return b.tokens(new TokenCounts(in, w5, w1, cr, out)).cost(cost, version).build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0], e);
        }
    }
}
