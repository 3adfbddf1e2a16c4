package tally.core;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Trees read and written without an ObjectMapper are the ones an ObjectMapper reads and writes. */
class JsonTreeTest {
    /** Every kind of value: ints of each size, fractions with trailing zeros and exponents, escapes, nesting. */
    private static final String SAMPLE = """
            {"a": 1, "big": 12345678901, "huge": 123456789012345678901234567890, "f": 1.50, "e": 2.5e-3,
             "s": "x\\ny \\u00e9", "t": true, "n": null, "list": [1, [], {}, {"k": [0.1, "v"]}], "empty": {}}""";
    /** The same with a key repeated. */
    private static final String REPEATED = SAMPLE.substring(0, SAMPLE.length() - 1) + ", \"a\": 2}";

    @Test
    void readsAsAMapperReads() throws Exception {
        for (String text : new String[] {SAMPLE, REPEATED}) {
            byte[] json = text.getBytes(StandardCharsets.UTF_8);
            JsonNode mine = JsonTree.read(json);
            JsonNode theirs = new ObjectMapper().readTree(json);
            assertThat(mine).isEqualTo(theirs);
            assertThat(mine.toString()).isEqualTo(theirs.toString());
        }
        assertThat(JsonTree.read(new byte[0]).isMissingNode()).isTrue();
    }

    @Test
    void readsExactlyAsAStrictDecimalMapperReads() throws Exception {
        ObjectMapper strict = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        byte[] catalog;
        try (InputStream in = JsonTree.class.getResourceAsStream("/pricing/catalog.json")) {
            catalog = in.readAllBytes();
        }
        for (byte[] json : new byte[][] {catalog, SAMPLE.getBytes(StandardCharsets.UTF_8)}) {
            JsonNode mine = JsonTree.readExact(json);
            JsonNode theirs = strict.readTree(json);
            assertThat(mine).isEqualTo(theirs);
            assertThat(mine.toString()).isEqualTo(theirs.toString());
        }
        assertThatThrownBy(() -> JsonTree.readExact(REPEATED.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(JsonParseException.class).hasMessageContaining("Duplicate field 'a'");
    }

    @Test
    void writesAsAMapperWrites() throws Exception {
        JsonNode tree = JsonTree.readExact(SAMPLE.getBytes(StandardCharsets.UTF_8));
        assertThat(JsonTree.compact(tree)).isEqualTo(new ObjectMapper().writeValueAsString(tree));
        assertThat(JsonTree.pretty(tree))
                .isEqualTo(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(tree))
                .isEqualTo(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree));
        JsonNode doubles = JsonTree.read(SAMPLE.getBytes(StandardCharsets.UTF_8));
        assertThat(JsonTree.pretty(doubles)).isEqualTo(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doubles));
    }
}
