package tally.ingest;

import org.junit.jupiter.api.Test;
import tally.core.CounterPoint;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spool writes a batch through one UTF-8 generator: the bytes are exactly the lines the
 * per-record writer makes (the spool's format and the export's), and they read back as the records.
 */
class SpoolEncodingTest {
    private static final List<UsageEvent> BATCH = List.of(
            UsageEvent.builder().id("gw_1").time(Instant.parse("2026-11-03T10:00:00.123Z")).source(Source.GATEWAY)
                    .provider("anthropic").identity("alice@corp.com").team("platform").project("billing")
                    .sessionId("s-1").requestId("req_011").modelId("claude-sonnet-4-5-20250929")
                    .tokens(new TokenCounts(25, 1500, 1000, 12000, 7)).webSearches(2).fast(true).batch(true)
                    .cost(12_345L, "2026-11-01").latencyMs(840L).status(200).region("us-east-1").inferenceGeo("us").build(),
            UsageEvent.builder().id("cc:msg_é:req_\"quoted\"\\back\tslash").time(Instant.parse("2026-11-03T10:00:01Z"))
                    .source(Source.TRANSCRIPT).identity("Zoë 😀 \u0001").modelId("claude-opus-4-5").tokens(TokenCounts.ZERO).build(),
            UsageEvent.builder().id("otel:s:7").time(Instant.parse("2026-11-03T10:00:02Z")).source(Source.OTEL_METRIC)
                    .identity("bob").modelId("claude-haiku-4-5").tokens(new TokenCounts(1, 0, 0, 0, 2))
                    .counter(new CounterPoint("series-a", 1L, 2L, 3.0, 3.0, CounterPoint.Part.values()[0])).build());

    @Test
    void aBatchIsTheLinesTheRecordWriterMakesAndReadsBackAsTheRecords() throws Exception {
        StringWriter lines = new StringWriter();
        for (UsageEvent e : BATCH) {
            EventCodec.write(e, lines);
            lines.write('\n');
        }
        byte[] spooled = encode(new Spool.Lines(), BATCH);
        assertThat(new String(spooled, StandardCharsets.UTF_8)).isEqualTo(lines.toString());
        assertThat(spooled).isEqualTo(lines.toString().getBytes(StandardCharsets.UTF_8));
        List<UsageEvent> back = new String(spooled, StandardCharsets.UTF_8).lines().map(EventCodec::read).toList();
        assertThat(back).isEqualTo(BATCH);
    }

    @Test
    void anEmptyBatchIsNoBytes() throws Exception {
        assertThat(encode(new Spool.Lines(), List.of())).isEmpty();
    }

    @Test
    void aReusedBufferHoldsOnlyTheLatestBatch() throws Exception {
        Spool.Lines reused = new Spool.Lines();
        encode(reused, BATCH);
        byte[] first = encode(reused, List.of(BATCH.get(0)));
        assertThat(first).isEqualTo(encode(new Spool.Lines(), List.of(BATCH.get(0))));
        assertThat(reused.length()).isEqualTo(first.length);
        assertThat(encode(reused, List.of())).isEmpty();
    }

    private static byte[] encode(Spool.Lines lines, List<UsageEvent> batch) throws Exception {
        lines.encode(batch);
        java.nio.ByteBuffer b = lines.bytes();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
