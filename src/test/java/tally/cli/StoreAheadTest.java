package tally.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.store.Store;
import tally.store.StoreConfig;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reading command's embedded store is opened on another thread while picocli builds the command, and
 * handed to the command; only where the command would open that very store, and every refusal stays
 * exactly as before (the same message, exit 2). The refusals run as real processes through
 * {@link Main#main}, which is what opens ahead.
 */
class StoreAheadTest {
    @TempDir Path dir;

    @Test
    void aReadingCommandAnswersFromTheStoreOpenedAheadAsItWouldWithout() {
        Path data = dir.resolve("data");
        assertThat(Cli.run("--data", data.toString(), "record", "--user", "alice", "--model", "claude-sonnet-4-5",
                "--input", "1200", "--output", "300", "--id", "r1").code()).isZero();
        String[] args = {"--data", data.toString(), "report", "--by", "model"};
        Cli.Result without = Cli.run(args);

        StoreAhead ahead = StoreAhead.start(ReportCommand.class, args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), ahead);

        assertThat(ahead.taken()).as("the command took the store opened ahead").isTrue();
        assertThat(code).isEqualTo(without.code()).isZero();
        assertThat(out.toString()).isEqualTo(without.out()).contains("claude-sonnet-4-5");
        assertThat(err.toString()).isEqualTo(without.err());
    }

    @Test
    void onlyAStoreTheCommandWouldOpenIsOpenedAhead() {
        Path data = dir.resolve("data");
        assertThat(StoreAhead.dataDirToOpen(ReportCommand.class, new String[] {"--data", data.toString(), "report"}))
                .contains(data.toAbsolutePath());
        assertThat(StoreAhead.dataDirToOpen(TopCommand.class, new String[] {"top", "--data=" + data}))
                .contains(data.toAbsolutePath());
        assertThat(StoreAhead.dataDirToOpen(EstimateCommand.class,
                new String[] {"--data", data.toString(), "estimate", "--compare", "claude-haiku-4-5"})).isPresent();
        assertThat(StoreAhead.dataDirToOpen(ReportCommand.class, new String[] {"report"}))
                .as("the default directory, by GlobalOptions' rule").contains(new GlobalOptions().dataDir().toAbsolutePath());
        // not for: PostgreSQL, storeless or writing commands, help, a doubtful --data
        assertThat(StoreAhead.dataDirToOpen(ReportCommand.class,
                new String[] {"--data", data.toString(), "--db", "postgresql://h/db", "report"})).isEmpty();
        assertThat(StoreAhead.dataDirToOpen(EstimateCommand.class, new String[] {"estimate", "--model", "m"})).isEmpty();
        for (Class<?> c : List.of(PricesCommand.class, DemoCommand.class, ImportCommand.class, ServeCommand.class,
                RecordCommand.class, PruneCommand.class, TailCommand.class)) {
            assertThat(StoreAhead.dataDirToOpen(c, new String[] {"--data", data.toString(), "x"})).as(c.getSimpleName()).isEmpty();
        }
        assertThat(StoreAhead.dataDirToOpen(ReportCommand.class, new String[] {"report", "--help"})).isEmpty();
        assertThat(StoreAhead.dataDirToOpen(ReportCommand.class, new String[] {"--data", "a", "report", "--data", "b"})).isEmpty();
    }

    @Test
    void noStoreInTheFolderIsStillRefusedAndNothingIsCreated() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("empty"));
        ChildJvm.Finished run = main(folder, "report");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.output()).startsWith("tally: no Tally data in ./tally-data")
                .contains("run `tally demo` to try it");
        try (var files = Files.list(folder)) {
            assertThat(files.toList()).as("nothing created").isEmpty();
        }
    }

    @Test
    void aStoreLockedByAnotherProcessIsRefusedWithTheSameMessage() throws Exception {
        Path data = dir.resolve("data");
        try (Store held = Store.open(StoreConfig.embedded(data))) {
            ChildJvm.Finished run = main(dir, "--data", data.toString(), "report");
            assertThat(run.code()).isEqualTo(2);
            assertThat(run.output()).startsWith("tally: " + data.resolve("tally.duckdb")
                    + " is in use by another process (stop it, or point this command at the running server): ");
        }
    }

    @Test
    void withDbThePostgresStoreIsOpenedAndRefusedAsBefore() throws Exception {
        Path data = dir.resolve("data");
        assertThat(Cli.run("--data", data.toString(), "record", "--user", "alice", "--model", "claude-sonnet-4-5",
                "--input", "1", "--output", "1", "--id", "r1").code()).isZero();
        ChildJvm.Finished run = main(dir, "--data", data.toString(), "--db", "postgresql://tally:x@127.0.0.1:1/nope", "report");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.output()).startsWith("tally: ").contains("cannot reach PostgreSQL at 127.0.0.1:1/nope");
    }

    /** Runs {@code tally ARGS} through {@link Main#main} in its own JVM, in a folder, with no TALLY_ variables. */
    private static ChildJvm.Finished main(Path folder, String... args) throws IOException, InterruptedException {
        return ChildJvm.run(folder, Main.class, List.of(args));
    }
}
