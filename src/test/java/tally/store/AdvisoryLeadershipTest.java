package tally.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Replicas on one PostgreSQL take turns leading: one at a time, and another within a second of the leader leaving. */
class AdvisoryLeadershipTest {
    @TempDir Path dir;

    @Test
    void one_of_two_replicas_leads_and_the_other_takes_over_within_a_second_when_it_leaves() throws Exception {
        String url = TestStores.freshSchemaUrl();
        try (Store sa = Store.open(StoreConfig.postgres(dir.resolve("a"), url));
             Store sb = Store.open(StoreConfig.postgres(dir.resolve("b"), url))) {
            List<String> events = new CopyOnWriteArrayList<>();
            AdvisoryLeadership a = new AdvisoryLeadership(sa, Duration.ofMillis(200));
            a.whileLeading(() -> events.add("a starts"), () -> events.add("a stops"));
            await(a::leading);
            AdvisoryLeadership b = new AdvisoryLeadership(sb, Duration.ofMillis(200));
            b.whileLeading(() -> events.add("b starts"), () -> events.add("b stops"));
            Thread.sleep(600);
            assertThat(b.leading()).as("a second leader while the first holds the lock").isFalse();
            assertThat(List.of(a.role(), b.role())).containsExactly("leader", "follower");

            long left = System.nanoTime();
            a.close();
            await(b::leading);
            assertThat(Duration.ofNanos(System.nanoTime() - left)).isLessThan(Duration.ofSeconds(1));
            b.close();
            assertThat(events).containsExactly("a starts", "a stops", "b starts", "b stops");
        }
    }

    @Test
    void deployments_in_other_schemas_of_the_same_database_lead_on_their_own() throws Exception {
        try (Store one = Store.open(StoreConfig.postgres(dir.resolve("one"), TestStores.freshSchemaUrl()));
             Store two = Store.open(StoreConfig.postgres(dir.resolve("two"), TestStores.freshSchemaUrl()));
             AdvisoryLeadership a = new AdvisoryLeadership(one, Duration.ofMillis(200));
             AdvisoryLeadership b = new AdvisoryLeadership(two, Duration.ofMillis(200))) {
            await(a::leading);
            await(b::leading);
        }
    }

    @Test
    void a_single_process_always_leads() {
        List<String> events = new CopyOnWriteArrayList<>();
        try (Leadership l = Leadership.single()) {
            l.whileLeading(() -> events.add("start"), () -> events.add("stop"));
            assertThat(l.leading()).isTrue();
            assertThat(l.role()).isEqualTo("single");
        }
        assertThat(events).containsExactly("start", "stop");
    }

    private static void await(java.util.function.BooleanSupplier c) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (!c.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out").isLessThan(until);
            Thread.sleep(20);
        }
    }
}
