package tally;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every SQL statement lives in package {@code tally.store}: no main source file elsewhere imports
 * JDBC or spells a statement in a string literal. Other packages call the store's repositories.
 */
class SqlOnlyInStoreTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Path STORE = MAIN.resolve("tally/store");
    private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"");
    private static final List<String> STATEMENTS = List.of("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM");

    @Test
    void noMainSourceOutsideTheStoreUsesJdbc() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path f : sourcesOutsideTheStore()) {
            if (Files.readString(f).contains("java.sql")) offenders.add(MAIN.relativize(f).toString());
        }
        assertThat(offenders).as("files outside tally.store that use java.sql").isEmpty();
    }

    @Test
    void noMainSourceOutsideTheStoreSpellsSql() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path f : sourcesOutsideTheStore()) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = STRING_LITERAL.matcher(lines.get(i));
                while (m.find()) {
                    for (String s : STATEMENTS) {
                        if (m.group().contains(s)) offenders.add(MAIN.relativize(f) + ":" + (i + 1) + ": " + m.group());
                    }
                }
            }
        }
        assertThat(offenders).as("SQL in string literals outside tally.store").isEmpty();
    }

    private static List<Path> sourcesOutsideTheStore() throws IOException {
        assertThat(STORE).as("run from the repository root").isDirectory();
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java") && !f.startsWith(STORE)).sorted().toList();
        }
    }
}
