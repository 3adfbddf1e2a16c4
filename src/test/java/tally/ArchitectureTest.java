package tally;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules the layout keeps, read from the main sources: packages point one way (no cycle), only
 * {@code store} speaks SQL, nothing depends on {@code cli}, and no class holds static mutable state.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src", "main", "java");
    /** An import or a fully qualified use of another Tally class, e.g. {@code tally.metrics.Foo.BAR}. */
    private static final Pattern REFERENCE = Pattern.compile("\\btally((?:\\.[a-z][a-z0-9]*)+)\\.[A-Z]");
    private static final Pattern PACKAGE = Pattern.compile("^package (tally(?:\\.[a-z0-9]+)*);", Pattern.MULTILINE);
    private static final Pattern STATIC_FIELD = Pattern.compile(
            "^\\s*(?:(?:private|public|protected)\\s+)?static\\s+(?!final\\b)(?!class\\b|interface\\b|record\\b|enum\\b|abstract\\b|sealed\\b|<)"
                    + "(?:volatile\\s+|transient\\s+)*[\\w<>\\[\\],.? ]+\\s+\\w+\\s*(?:=[^;]*)?;",
            Pattern.MULTILINE);
    private static final Pattern SQL = Pattern.compile("\"[^\"]*\\b(SELECT\\s+\\S|INSERT\\s+INTO|DELETE\\s+FROM|UPDATE\\s+\\w+\\s+SET|CREATE\\s+TABLE)");

    private static final List<Source> SOURCES = new ArrayList<>();

    record Source(Path file, String pkg, String text) {
        String relative() {
            return MAIN.relativize(file).toString();
        }
    }

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                Matcher m = PACKAGE.matcher(text);
                assertThat(m.find()).as("package line in " + f).isTrue();
                SOURCES.add(new Source(f, m.group(1), text));
            }
        }
        assertThat(SOURCES).hasSizeGreaterThan(100);
    }

    @Test
    void packagesFormNoCycle() {
        Map<String, Set<String>> uses = packageGraph();
        List<String> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            for (String next : uses.get(start)) {
                List<String> back = path(uses, next, start);
                if (back != null) cycles.add(start + " -> " + String.join(" -> ", back));
            }
        }
        assertThat(cycles).as("package cycles").isEmpty();
    }

    @Test
    void nothingDependsOnTheCli() {
        List<String> offenders = new ArrayList<>();
        for (Source s : SOURCES) {
            if (s.pkg().startsWith("tally.cli")) continue;
            if (references(s).stream().anyMatch(p -> p.startsWith("tally.cli"))) offenders.add(s.relative());
        }
        assertThat(offenders).as("main classes outside tally.cli that use it").isEmpty();
    }

    @Test
    void onlyTheStoreSpeaksSql() {
        List<String> offenders = new ArrayList<>();
        for (Source s : SOURCES) {
            if (s.pkg().equals("tally.store")) continue;
            if (s.text().contains("import java.sql") || s.text().contains("java.sql.")) offenders.add(s.relative() + ": java.sql");
            Matcher m = SQL.matcher(s.text());
            if (m.find()) offenders.add(s.relative() + ": SQL text \"" + m.group(1) + "…\"");
        }
        assertThat(offenders).as("SQL outside tally.store").isEmpty();
    }

    @Test
    void noStaticMutableState() {
        List<String> offenders = new ArrayList<>();
        for (Source s : SOURCES) {
            Matcher m = STATIC_FIELD.matcher(s.text());
            while (m.find()) offenders.add(s.relative() + ": " + m.group().strip());
        }
        assertThat(offenders).as("static fields that are not final").isEmpty();
    }

    /** Package → the other Tally packages its classes use. */
    private static Map<String, Set<String>> packageGraph() {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (Source s : SOURCES) {
            Set<String> out = uses.computeIfAbsent(s.pkg(), k -> new TreeSet<>());
            for (String p : references(s)) {
                if (!p.equals(s.pkg()) && isPackage(p)) out.add(p);
            }
        }
        return uses;
    }

    private static boolean isPackage(String name) {
        return SOURCES.stream().anyMatch(s -> s.pkg().equals(name));
    }

    private static Set<String> references(Source s) {
        Set<String> out = new TreeSet<>();
        Matcher m = REFERENCE.matcher(s.text());
        while (m.find()) out.add("tally" + m.group(1));
        return out;
    }

    /** A path from {@code from} to {@code to} in the graph, or null. */
    private static List<String> path(Map<String, Set<String>> uses, String from, String to) {
        List<String> stack = new ArrayList<>();
        return search(uses, from, to, stack, new TreeSet<>()) ? stack : null;
    }

    private static boolean search(Map<String, Set<String>> uses, String at, String to, List<String> stack, Set<String> seen) {
        stack.add(at);
        if (at.equals(to)) return true;
        if (seen.add(at)) {
            for (String next : uses.getOrDefault(at, Set.of())) {
                if (search(uses, next, to, stack, seen)) return true;
            }
        }
        stack.remove(stack.size() - 1);
        return false;
    }
}
