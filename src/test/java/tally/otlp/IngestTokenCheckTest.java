package tally.otlp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.Ids;
import tally.store.IngestTokenStore;
import tally.store.Store;
import tally.store.StoreConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Ingest tokens are answered from memory: a flood of unknown tokens (anyone can send them) costs
 * at most one read of the store a second, off the caller's thread, while a token created by
 * another process since the last read is still accepted within about that long.
 */
class IngestTokenCheckTest {
    @TempDir Path dir;

    @Test
    void unknownTokensReadTheStoreAtMostOnceASecondAndANewTokenIsAcceptedSoonAfter() throws Exception {
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            IngestTokenStore tokens = new IngestTokenStore(store);
            tokens.insert(Ids.sha256("tok-alice"), "alice", 1L);
            AtomicInteger reads = new AtomicInteger();
            IngestTokenCheck check = new IngestTokenCheck(() -> {
                reads.incrementAndGet();
                return tokens.all();
            }, tokens::markUsed);
            assertThat(reads).hasValue(1);

            CompletableFuture<String> alice = check.person("tok-alice");
            assertThat(alice).isCompletedWithValue("alice"); // from memory, on the caller's thread
            assertThat(check.person(null)).isCompletedWithValue(null);

            long start = System.nanoTime();
            List<CompletableFuture<String>> unknown = new ArrayList<>();
            while (System.nanoTime() - start < Duration.ofMillis(2_500).toNanos()) { // a flood of random tokens
                for (int i = 0; i < 100; i++) unknown.add(check.person("tok-random-" + unknown.size()));
                Thread.sleep(10);
            }
            for (CompletableFuture<String> f : unknown) {
                assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(SecurityException.class)
                        .hasMessageContaining("unknown ingest token");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(unknown.size()).isGreaterThan(1_000);
            assertThat(reads.get() - 1).as("reads for %d unknown tokens in %.1f s", unknown.size(), seconds)
                    .isBetween(1, (int) Math.ceil(seconds) + 1);

            tokens.insert(Ids.sha256("tok-bob"), "bob", 2L); // `tally tokens create` by another process, on a shared store
            long asked = System.nanoTime();
            assertThat(check.person("tok-bob").get(5, TimeUnit.SECONDS)).isEqualTo("bob");
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(3)); // a re-read within ~1 s, not the next 10 s refresh
        }
    }

    @Test
    void aRevokedTokenIsRefusedFromMemoryWithItsReason() throws Exception {
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            IngestTokenStore tokens = new IngestTokenStore(store);
            tokens.insert(Ids.sha256("tok-carol"), "carol", 1L);
            tokens.revoke(Ids.sha256("tok-carol"), 2L);
            AtomicInteger reads = new AtomicInteger();
            IngestTokenCheck check = new IngestTokenCheck(() -> {
                reads.incrementAndGet();
                return tokens.all();
            }, tokens::markUsed);
            CompletableFuture<String> carol = check.person("tok-carol");
            assertThat(carol).isCompletedExceptionally();
            assertThatThrownBy(carol::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(SecurityException.class).hasMessageContaining("this ingest token was revoked");
            assertThat(reads).hasValue(1);
        }
    }

    @Test
    void usesAreWrittenAtTheNextReloadAndKeptForTheOneAfterWhenTheWriteFailsWhichStillRereadsTheTokens() throws Exception {
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            IngestTokenStore tokens = new IngestTokenStore(store);
            tokens.insert(Ids.sha256("tok-dave"), "dave", 1L);
            AtomicInteger failWrites = new AtomicInteger(1);
            IngestTokenCheck check = new IngestTokenCheck(tokens::all, used -> {
                if (failWrites.getAndDecrement() > 0) throw new tally.store.StoreException("the store is away");
                tokens.markUsed(used);
            });
            long before = System.currentTimeMillis();
            assertThat(check.person("tok-dave")).isCompletedWithValue("dave");

            tokens.revoke(Ids.sha256("tok-dave"), 2L); // by another process
            check.reload(); // the write fails, the re-read still happens
            assertThat(tokens.all().get(0).lastUsedMs()).isNull();
            assertThatThrownBy(() -> check.person("tok-dave").join()).hasMessageContaining("revoked");
            check.reload();
            assertThat(tokens.all().get(0).lastUsedMs()).isBetween(before, System.currentTimeMillis());
        }
    }
}
