package tally.importers;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Nanos;
import tally.core.UsageEvent;
import tally.ingest.EventCodec;
import tally.store.TestStores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tally export}: the ledger, one row per record, in both formats, over a range. */
class ExportTest {
    @TempDir Path dir;

    private Tally withFixtures(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        tally.run("import", "claude-code", Tally.FIXTURES.resolve("transcripts").toString(), "--user", "alice").ok();
        return tally;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void jsonLinesAreOneRecordPerLineInTheSpoolsCodec(TestStores.Kind kind) {
        Tally tally = withFixtures(kind);
        List<String> lines = tally.run("export", "--format", "jsonl").ok().out().lines().toList();
        assertThat(lines).hasSize(5);
        List<UsageEvent> events = lines.stream().map(EventCodec::read).toList();
        assertThat(events).allSatisfy(e -> assertThat(e.identity()).isEqualTo("alice"));
        assertThat(events.stream().mapToLong(UsageEvent::costNanos).sum()).isEqualTo(Nanos.fromDollars("0.035095"));
        assertThat(events).extracting(UsageEvent::time).isSorted();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void csvHasAHeaderAndOneRowPerRecord(TestStores.Kind kind) throws Exception {
        Tally tally = withFixtures(kind);
        Path out = dir.resolve("ledger.csv");
        assertThat(tally.run("export", "--format", "csv", "--from", "2026-11-24", "--to", "2026-11-24", "--out", out.toString())
                .ok().out()).contains("wrote 5 records");
        List<String> rows = Files.readAllLines(out);
        assertThat(rows.get(0)).startsWith("id,time,source,provider,identity");
        assertThat(rows).hasSize(6);
        int cost = Arrays.asList(rows.get(0).split(",")).indexOf("cost_usd");
        long total = rows.stream().skip(1).mapToLong(r -> Nanos.fromDollars(r.split(",")[cost])).sum();
        assertThat(total).isEqualTo(Nanos.fromDollars("0.035095"));
        // a project starting with '-' would be read as a formula by a spreadsheet: it is text
        // the project column is the raw tag: a transcript's working directory (project rules map it when reading)
        assertThat(rows.get(1)).contains(",transcript,anthropic,alice,,/home/alice/app,");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aRangeOutsideTheRecordsExportsNothingAndBadFlagsSayWhy(TestStores.Kind kind) {
        Tally tally = withFixtures(kind);
        assertThat(tally.run("export", "--format", "jsonl", "--from", "2026-11-25").ok().out()).isEmpty();
        Tally.Result bad = tally.run("export", "--format", "xml");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--format: expected csv or jsonl");
    }
}
