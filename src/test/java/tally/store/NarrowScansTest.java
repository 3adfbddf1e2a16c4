package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Source;
import tally.core.TokenCounts;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;

/** The scans that read only what one command needs: every record of a range, in time order, fewer columns. */
class NarrowScansTest {
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-02-01T00:00:00Z");

    @TempDir Path dir;

    private static long ms(String t) {
        return Instant.parse(t).toEpochMilli();
    }

    private static Ledger ledgerWithFourRecords(Store store) {
        Ledger ledger = new Ledger(store);
        ledger.write(List.of(
                event("b", "2026-01-05T10:00:00Z", "bob").source(Source.GATEWAY).model("claude-opus-4-1")
                        .tokens(new TokenCounts(1, 2, 3, 4, 5)).webSearches(2).batch(true).cost(9L, "v").build(),
                event("a", "2026-01-05T10:00:00Z", "alice").source(Source.TRANSCRIPT).model("claude-haiku-4-5")
                        .tokens(new TokenCounts(10, 0, 0, 40, 50)).fast(true).cost(null, null).build(),
                event("c", "2026-01-06T10:00:00Z", "alice").source(Source.TRANSCRIPT).model("claude-opus-4-1")
                        .tokens(TokenCounts.of(7, 8)).cost(3L, "v").build(),
                event("outside", "2026-03-05T10:00:00Z", "alice").cost(1L, "v").build()));
        return ledger;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aTimelineScanReadsTimeModelTokensAndCostInTimeThenIdOrderFilteredBySourceAndIdentities(TestStores.Kind kind)
            throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = ledgerWithFourRecords(store);
            List<TimedUsage> all = new ArrayList<>();
            List<TimedUsage> transcripts = new ArrayList<>();
            List<TimedUsage> bobs = new ArrayList<>();
            List<TimedUsage> nobodys = new ArrayList<>();

            ledger.scanTimeline(FROM, TO, null, null, all::add);
            ledger.scanTimeline(FROM, TO, "transcript", null, transcripts::add);
            ledger.scanTimeline(FROM, TO, null, List.of("bob"), bobs::add);
            ledger.scanTimeline(FROM, TO, null, List.of(), nobodys::add);

            TimedUsage a = new TimedUsage(ms("2026-01-05T10:00:00Z"), "claude-haiku-4-5", new TokenCounts(10, 0, 0, 40, 50), null);
            TimedUsage b = new TimedUsage(ms("2026-01-05T10:00:00Z"), "claude-opus-4-1", new TokenCounts(1, 2, 3, 4, 5), 9L);
            TimedUsage c = new TimedUsage(ms("2026-01-06T10:00:00Z"), "claude-opus-4-1", TokenCounts.of(7, 8), 3L);
            assertThat(all).containsExactly(a, b, c); // a before b: same time, ids in order
            assertThat(transcripts).containsExactly(a, c);
            assertThat(bobs).containsExactly(b);
            assertThat(nobodys).isEmpty();
            assertThat(ledger.identities(FROM, TO, null)).containsExactlyInAnyOrder("alice", "bob");
            assertThat(ledger.identities(FROM, TO, "gateway")).containsExactly("bob");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aRequoteScanReadsTimeTokensPriceFlagsAndCostOfTheQuestionsRecords(TestStores.Kind kind) throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = ledgerWithFourRecords(store);
            List<Requote> read = new ArrayList<>();

            ledger.scanForRequotes(UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC).withPerson("bob"), read::add);

            assertThat(read).containsExactly(
                    new Requote(ms("2026-01-05T10:00:00Z"), new TokenCounts(1, 2, 3, 4, 5), 2, true, false, 9L, null));
        }
    }
}
