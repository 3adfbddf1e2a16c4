package tally.importers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import tally.cli.Main;
import tally.store.TestStores;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@code tally} in-process against one store (DuckDB or PostgreSQL), in UTC, capturing output. */
public final class Tally {
    public static final Path FIXTURES = tally.Fixtures.CLAUDE_CODE;
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Result(int code, String out, String err) {
        public JsonNode json() {
            assertThat(code).as(err).isZero();
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + out, e);
            }
        }

        public Result ok() {
            assertThat(code).as("exit code; stderr: " + err + "; stdout: " + out).isZero();
            return this;
        }

        /** An import: exit status 0, or 3 when its summary counts skipped lines (what it could read is stored either way). */
        public Result imported() {
            boolean skipped = java.util.regex.Pattern.compile("malformed lines skipped: +[1-9]").matcher(out).find();
            assertThat(code).as("exit code; stderr: " + err + "; stdout: " + out).isEqualTo(skipped ? Main.SKIPPED : 0);
            return this;
        }

        /** An import that stored what it could and skipped lines it could not read: exit status 3. */
        public Result skipped() {
            assertThat(code).as("exit code; stderr: " + err + "; stdout: " + out).isEqualTo(Main.SKIPPED);
            return this;
        }
    }

    private final String[] store;

    public Tally(TestStores.Kind kind, Path dir) {
        this.store = kind == TestStores.Kind.DUCKDB ? new String[] {"--data", dir.resolve("data").toString()}
                : new String[] {"--data", dir.resolve("data").toString(), "--db", TestStores.freshSchemaUrl()};
    }

    public Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(store));
        all.add("--tz");
        all.add("UTC");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    public static JsonNode readJson(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
