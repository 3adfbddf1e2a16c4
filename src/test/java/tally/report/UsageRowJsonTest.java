package tally.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import tally.core.TokenCounts;
import tally.store.UsageRow;

import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UsageRowJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Nothing, a sub-cent cost, whole dollars, and figures near the ledger's limits. */
    private static final List<UsageRow> ROWS = List.of(
            UsageRow.empty("nobody"),
            new UsageRow("dev7", 3, 1, new TokenCounts(10, 20, 30, 40, 50), 2, 1_234, 1),
            new UsageRow("ünïcode \"quoted\"", 1, 0, TokenCounts.of(1, 1), 0, 12_000_000_000L, 0),
            new UsageRow("big", Long.MAX_VALUE, Long.MAX_VALUE, new TokenCounts(Long.MAX_VALUE / 8, 1, 2, 3, 4), Long.MAX_VALUE,
                    Long.MAX_VALUE, Long.MAX_VALUE));

    @Test
    void aRowWrittenByAGeneratorIsTheSameDocumentAsTheTreeTheReportsBuild() throws Exception {
        for (UsageRow row : ROWS) {
            ObjectNode tree = UsageRowJson.fields(MAPPER.createObjectNode().put("key", row.key()), row);
            StringWriter streamed = new StringWriter();
            try (JsonGenerator g = MAPPER.getFactory().createGenerator(streamed)) {
                g.writeStartObject();
                g.writeStringField("key", row.key());
                UsageRowJson.fields(g, row);
                g.writeEndObject();
            }
            assertThat(streamed.toString()).as(row.key()).isEqualTo(tree.toString());
        }
    }
}
