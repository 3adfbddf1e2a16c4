package tally.importers.claudecode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.importers.Progress;
import tally.pricing.PriceCatalog;
import tally.store.ImportOffsets;
import tally.store.OffsetBook;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An import asks for the price catalog only once it has lines to read: run after every session (a hook,
 * a status line), an import with nothing new spends nothing on reading prices.
 */
class CatalogOnDemandTest {
    @TempDir Path dir;

    private final AtomicInteger asked = new AtomicInteger();
    private final Supplier<PriceCatalog> catalog = () -> {
        asked.incrementAndGet();
        return PriceCatalog.bundled();
    };

    @Test
    void theCatalogIsReadOnceForFilesToReadAndNotAtAllWhenNothingIsNew() throws Exception {
        for (int i = 0; i < 3; i++) {
            Transcript.write(dir.resolve("p/s" + i + ".jsonl"),
                    Transcript.answer("2026-11-0" + (i + 1) + "T10:00:00.000Z", "s" + i, "msg_" + i, "req_" + i).json());
        }
        RememberedOffsets offsets = new RememberedOffsets();
        TakingSink sink = new TakingSink();

        new TranscriptImporter(offsets, sink, catalog, "alice", Clock.systemUTC(), null)
                .run(List.of(dir), Progress.none());
        assertThat(sink.taken).hasSize(3).allMatch(e -> e.costNanos() != null && e.costNanos() > 0);
        assertThat(asked).as("once, for all three files and both parser threads").hasValue(1);

        new TranscriptImporter(offsets, sink, catalog, "alice", Clock.systemUTC(), null)
                .run(List.of(dir), Progress.none());
        assertThat(sink.taken).as("nothing new").hasSize(3);
        assertThat(asked).as("not asked again: nothing to price").hasValue(1);
    }

    /** Keeps what an import saved, as the store's table would. */
    private static final class RememberedOffsets implements OffsetBook {
        private final Map<String, ImportOffsets.Offset> byPath = new HashMap<>();

        @Override
        public Map<String, ImportOffsets.Offset> load(String kind) {
            return Map.copyOf(byPath);
        }

        @Override
        public void save(String kind, Collection<ImportOffsets.Offset> offsets) {
            offsets.forEach(o -> byPath.put(o.path(), o));
        }
    }
}
