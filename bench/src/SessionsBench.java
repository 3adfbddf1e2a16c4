import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * How a gateway's store writes slow as marked sessions accumulate on the embedded store: batches of
 * 200 records of 40 live sessions (random ids, as Claude Code's) into a store with no other session
 * marked, then into one with {@code marks} other sessions marked; the median batch time of each and
 * their ratio. Usage: SessionsBench DIR [MARKS]
 */
public class SessionsBench {
    private static final int BATCHES = 20;
    private static final int BATCH = 200;
    private static final int ROUNDS = 3;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long marks = args.length > 1 ? Long.parseLong(args[1]) : 5_000_000;
        double none = medianBatchMs(dir.resolve("none"), 0);
        double many = medianBatchMs(dir.resolve("many"), marks);
        System.out.printf("%nbatch of %d records with %,d other sessions marked: %.1f ms (median); with none: %.1f ms; ratio %.2f%n",
                BATCH, marks, many, none, many / none);
    }

    /** The median of the last round's batch times in a fresh store with {@code marks} other sessions marked. */
    static double medianBatchMs(Path data, long marks) throws Exception {
        try (Store store = Store.open(StoreConfig.embedded(data))) {
            Ledger ledger = new Ledger(store);
            if (marks > 0) {
                long t = System.nanoTime();
                try (Connection c = store.connection(); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO metered_sessions SELECT uuid()::VARCHAR, 'dev' || (i % 500), 'gateway', 0 FROM range(" + marks + ") t(i)");
                }
                System.out.printf("marked %,d other sessions in %.1f s%n", marks, (System.nanoTime() - t) / 1e9);
            }
            String[] live = new String[40];
            for (int i = 0; i < live.length; i++) live[i] = UUID.randomUUID().toString();
            Instant t0 = Instant.now().minusSeconds(3600);
            double[] ms = new double[BATCHES];
            int n = 0;
            for (int round = 1; round <= ROUNDS; round++) {
                for (int b = 0; b < BATCHES; b++) {
                    List<UsageEvent> batch = new ArrayList<>(BATCH);
                    for (int i = 0; i < BATCH; i++, n++) {
                        batch.add(UsageEvent.builder().id("g" + n).time(t0.plusMillis(n * 50L)).source(Source.GATEWAY)
                                .identity("dev" + (n % 50)).sessionId(live[n % live.length]).requestId("req_" + n)
                                .modelId("claude-sonnet-4-5").tokens(TokenCounts.of(100, 20)).cost(5000L, "bench").status(200).build());
                    }
                    long t = System.nanoTime();
                    ledger.write(batch);
                    ms[b] = (System.nanoTime() - t) / 1e6;
                }
                double[] sorted = ms.clone();
                Arrays.sort(sorted);
                System.out.printf("  %,d other sessions marked, round %d: batch best %.1f, median %.1f ms%n", marks, round, sorted[0], sorted[BATCHES / 2]);
            }
            Arrays.sort(ms);
            return ms[BATCHES / 2];
        }
    }
}
