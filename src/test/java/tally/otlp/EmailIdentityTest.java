package tally.otlp;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.identity.People;
import tally.identity.Person;
import tally.store.Dimension;
import tally.store.TestStores;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.nio.file.Path;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An e-mail address is one identity whatever its case: Claude Code's {@code user.email} arrives as
 * {@code Dave@Corp.com} from one machine and {@code dave@corp.com} from another, and an alias may be
 * typed either way. Usage and activity count for the person the address is aliased to.
 */
class EmailIdentityTest {
    @TempDir Path dir;

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void telemetryFromAnAddressInAnyCaseCountsForThePersonItIsAliasedTo(TestStores.Kind kind) throws Exception {
        try (CollectorNode node = new CollectorNode(TestStores.config(kind, dir))) {
            node.export("/v1/logs", apiRequest("Dave@Corp.com", "req_dave_1"));
            People people = new People(node.store);
            people.add("dave", null);
            people.alias("dave", "dave@corp.com");
            people.add("erin", null);
            people.alias("erin", "Erin@Corp.COM");
            node.export("/v1/logs", apiRequest("ERIN@corp.com", "req_erin_1"));
            node.export("/v1/logs", apiRequest("frank@Corp.com", "req_frank_1"));
            node.export("/v1/logs", apiRequest("Frank@corp.com", "req_frank_2"));
            node.totals(); // everything accepted is in the store

            assertThat(node.ledger.usage(UsageQuery.of(CollectorNode.FAR_PAST, CollectorNode.FAR_FUTURE, Dimension.USER, ZoneOffset.UTC)))
                    .extracting(UsageRow::key, UsageRow::requests)
                    .containsExactlyInAnyOrder(org.assertj.core.api.Assertions.tuple("dave", 1L),
                            org.assertj.core.api.Assertions.tuple("erin", 1L),
                            org.assertj.core.api.Assertions.tuple("frank@corp.com", 2L)); // unmapped: one identity all the same
            node.collector.flushActivity();
            assertThat(node.activity.totalsByPerson(CollectorNode.FAR_PAST, CollectorNode.FAR_FUTURE)).containsKeys("dave", "erin");
            assertThat(people.list()).filteredOn(p -> p.name().equals("erin")).flatExtracting(Person::aliases).containsExactly("erin@corp.com");
            assertThat(people.resolve("DAVE@CORP.COM")).isEqualTo("dave");
        }
    }

    /** One api_request event, with Claude Code's own cost estimate, from the address given. */
    private static String apiRequest(String email, String requestId) {
        return "{\"resourceLogs\":[{\"resource\":{\"attributes\":[" + attr("service.name", "claude-code") + "," + attr("user.email", email)
                + "]},\"scopeLogs\":[{\"scope\":{\"name\":\"com.anthropic.claude_code.events\"},\"logRecords\":[{\"timeUnixNano\":\""
                + CollectorNode.T0.getEpochSecond() + "000000000\",\"body\":{\"stringValue\":\"claude_code.api_request\"},\"attributes\":["
                + attr("event.name", "api_request") + "," + attr("session.id", "s-" + requestId) + ","
                + attr("model", "claude-sonnet-4-5-20250929") + "," + attr("request_id", requestId) + ","
                + attr("input_tokens", "500") + "," + attr("output_tokens", "5") + ",{\"key\":\"cost_usd\",\"value\":{\"doubleValue\":0.000105}}]}]}]}]}";
    }

    private static String attr(String key, String value) {
        return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";
    }
}
