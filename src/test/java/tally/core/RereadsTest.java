package tally.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Misses of a table kept in memory re-read it off the caller's thread, at most once per gap, each read shared. */
class RereadsTest {
    @Test
    void aFloodOfMissesCostsAtMostOneReadPerGapAndEveryMissIsAnsweredByARereadThatStartedAfterIt() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        Rereads rereads = new Rereads("test-rereads", Duration.ofMillis(200), reads::incrementAndGet);
        long start = System.nanoTime();
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        List<Integer> readsWhenAsked = new ArrayList<>();
        while (System.nanoTime() - start < Duration.ofMillis(1_000).toNanos()) {
            readsWhenAsked.add(reads.get());
            waits.add(rereads.next());
            Thread.sleep(1);
        }
        for (CompletableFuture<Void> w : waits) w.get(5, TimeUnit.SECONDS);
        double gaps = (System.nanoTime() - start) / 1e6 / 200;
        assertThat(waits.size()).isGreaterThan(200);
        assertThat(reads.get()).as("reads for %d misses", waits.size()).isBetween(2, (int) Math.ceil(gaps) + 1);
        assertThat(readsWhenAsked.get(0)).isZero();
    }

    @Test
    void aReadByOtherMeansPostponesTheNextAndAFailedReadFailsItsWaiters() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        Rereads rereads = new Rereads("test-rereads", Duration.ofMillis(300), () -> {
            if (reads.incrementAndGet() == 1) throw new IllegalStateException("the store is away");
        });
        rereads.readNow(); // a refresh just read the table
        long asked = System.nanoTime();
        CompletableFuture<Void> first = rereads.next();
        assertThat(rereads.next()).as("shared until it starts").isSameAs(first);
        assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        rereads.next().get(5, TimeUnit.SECONDS);
        assertThat(reads).hasValue(2);
    }
}
