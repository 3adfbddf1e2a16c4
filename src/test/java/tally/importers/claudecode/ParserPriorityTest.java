package tally.importers.claudecode;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.importers.Progress;
import tally.ingest.ThreadNice;
import tally.pricing.PriceCatalog;
import tally.store.ImportOffsets;
import tally.store.OffsetBook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An import's parser threads give way to the thread that hands records to the store, the import's
 * bottleneck: on Linux they run at a nice value {@link TranscriptImporter#PARSER_NICE} above it.
 */
class ParserPriorityTest {
    @TempDir Path dir;

    @Test
    void onLinuxTheParserThreadsRunFiveNiceLevelsBelowTheImport() throws Exception {
        Assumptions.assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")), "Linux only");
        int importing = ThreadNice.niceOf(Path.of("/proc/thread-self/stat"));
        for (int i = 0; i < 4; i++) {
            Transcript.write(dir.resolve("p/s" + i + ".jsonl"),
                    Transcript.answer("2026-11-0" + (i + 1) + "T10:00:00.000Z", "s" + i, "msg_" + i, "req_" + i).json());
        }
        List<Integer> seen = new ArrayList<>(); // at the first record, the nice value of every parser thread
        TakingSink sink = new TakingSink(e -> {
            if (seen.isEmpty()) seen.addAll(parserNices());
        });
        new TranscriptImporter(new NoOffsets(), sink, PriceCatalog.bundled(), "alice", Clock.systemUTC())
                .run(List.of(dir), Progress.none());

        assertThat(sink.taken).hasSize(4);
        assertThat(seen).as("the parser threads' nice values, seen while the records are handed on")
                .isNotEmpty().allMatch(n -> n == Math.min(19, importing + TranscriptImporter.PARSER_NICE));
    }

    private static List<Integer> parserNices() {
        List<Integer> nices = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                if (Files.readString(task.resolve("comm")).trim().equals("tally-import-cl")) { // 15 characters
                    nices.add(ThreadNice.niceOf(task.resolve("stat")));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return nices;
    }

    private static final class NoOffsets implements OffsetBook {
        @Override
        public Map<String, ImportOffsets.Offset> load(String kind) {
            return Map.of();
        }

        @Override
        public void save(String kind, Collection<ImportOffsets.Offset> offsets) {
        }
    }
}
