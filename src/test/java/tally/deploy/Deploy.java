package tally.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import picocli.CommandLine;
import tally.cli.ServeArgs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The files under deploy/, read as their tools would read them. */
final class Deploy {
    static final Path DIR = Path.of("deploy");
    private static final YAMLMapper YAML = new YAMLMapper();

    private Deploy() {}

    static String text(String file) throws IOException {
        return Files.readString(DIR.resolve(file));
    }

    /** Every document of a YAML file (Kubernetes manifests hold several). */
    static List<JsonNode> yaml(String file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(DIR.resolve(file).toFile())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) docs.add(doc);
            }
        }
        return docs;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Arguments after the program name, checked against the real command tree: an unknown option fails. */
    static CommandLine.ParseResult serve(List<String> args) {
        assertThat(args).as("a tally serve command line").startsWith("serve");
        return ServeArgs.parse(args);
    }

    /** The value of an option in a command line (the word after it), or null. */
    static String option(List<String> args, String name) {
        int i = args.indexOf(name);
        return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
    }

    /** Seconds in a duration as tally and systemd write them: 90s, 2m, 60. */
    static long seconds(String d) {
        String v = d.trim();
        if (v.endsWith("s")) return Long.parseLong(v.substring(0, v.length() - 1));
        if (v.endsWith("min")) return 60 * Long.parseLong(v.substring(0, v.length() - 3));
        if (v.endsWith("m")) return 60 * Long.parseLong(v.substring(0, v.length() - 1));
        return Long.parseLong(v);
    }
}
