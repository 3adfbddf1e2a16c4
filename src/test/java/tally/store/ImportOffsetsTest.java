package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Where each file was read up to: saved for more files than one statement takes, replaced in place, one kind at a time. */
class ImportOffsetsTest {
    @TempDir Path dir;

    private static List<ImportOffsets.Offset> offsets(int from, int to, long size) {
        List<ImportOffsets.Offset> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(new ImportOffsets.Offset("/home/it's/p" + i + ".jsonl", size + i, size / 2 + i, 10 + i, "fp-" + size + "-" + i));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void offsetsOfManyFilesAreSavedAndReplacedOncePerFile(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            ImportOffsets book = new ImportOffsets(store);
            book.save("claude-code", offsets(0, 1_201, 1_000));
            book.save("bedrock", offsets(0, 3, 5));
            book.save("claude-code", offsets(400, 700, 9_000)); // grown since: across the statements' boundary

            Map<String, ImportOffsets.Offset> loaded = book.load("claude-code");
            assertThat(loaded).hasSize(1_201);
            List<ImportOffsets.Offset> expected = offsets(0, 400, 1_000);
            expected.addAll(offsets(400, 700, 9_000));
            expected.addAll(offsets(700, 1_201, 1_000));
            assertThat(loaded.values()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(book.load("bedrock").values()).containsExactlyInAnyOrderElementsOf(offsets(0, 3, 5));
        }
    }
}
