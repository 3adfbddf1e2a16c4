package tally.importers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.importers.Tally;
import tally.store.TestStores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.importers.bedrock.BedrockImportTest.DAY;
import static tally.importers.bedrock.BedrockImportTest.record;

/**
 * Developers behind one shared IAM role, imported first and mapped to people afterwards: an alias of
 * the session's full ARN, of the role (as an STS ARN without the session, or as the IAM role ARN) or
 * of the session name re-attributes the records already stored, in every report.
 */
class ArnAliasTest {
    static final String ROLE = "arn:aws:sts::123456789012:assumed-role/SharedDev";
    static final String ALICE = ROLE + "/alice@corp.com";
    static final String BOB = ROLE + "/bob";
    static final String CAROL = "arn:aws:sts::123456789012:assumed-role/Ops/carol";
    static final String HAIKU = "anthropic.claude-3-5-haiku-20241022-v1:0";

    @TempDir Path dir;

    /** Two of alice's calls and one of bob's through the shared role, one of carol's through another role. */
    private Tally imported(TestStores.Kind kind) throws Exception {
        Path f = dir.resolve("logs.jsonl");
        Files.writeString(f, record("r-a1", DAY + "T10:00:00Z", ALICE, "us-east-1", HAIKU) + "\n"
                + record("r-a2", DAY + "T10:01:00Z", ALICE, "us-east-1", HAIKU) + "\n"
                + record("r-b1", DAY + "T10:02:00Z", BOB, "us-east-1", HAIKU) + "\n"
                + record("r-c1", DAY + "T10:03:00Z", CAROL, "us-east-1", HAIKU) + "\n");
        Tally tally = new Tally(kind, dir);
        tally.run("import", "bedrock", f.toString()).ok();
        return tally;
    }

    /** Requests per key of a report over the day. */
    private static Map<String, Long> requestsBy(Tally tally, String by) {
        JsonNode r = tally.run("report", "--by", by, "--from", DAY, "--to", DAY, "--format", "json").json();
        Map<String, Long> out = new TreeMap<>();
        r.get("rows").forEach(row -> out.put(row.get("key").asText(), row.get("requests").asLong()));
        return out;
    }

    /** The people of the requests a raw-record query (recent) finds for a filter, in order. */
    private static List<String> recent(Tally tally, String filter, String value) {
        List<String> people = new ArrayList<>();
        tally.run("recent", filter, value, "--format", "json").json().get("requests").forEach(r -> people.add(r.get("user").asText()));
        Collections.sort(people);
        return people;
    }

    private static void person(Tally tally, String name, String team, String alias) {
        tally.run("people", "add", name, "--team", team).ok();
        tally.run("people", "alias", name, alias).ok();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void unmappedSessionsAreShownByTheirSessionNames(TestStores.Kind kind) throws Exception {
        Tally tally = imported(kind);
        assertThat(requestsBy(tally, "user")).isEqualTo(Map.of("alice@corp.com", 2L, "bob", 1L, "carol", 1L));
        assertThat(recent(tally, "--user", "bob")).containsExactly("bob");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void aliasingOneSessionsFullArnMovesOnlyThatSession(TestStores.Kind kind) throws Exception {
        Tally tally = imported(kind);
        person(tally, "alice", "platform", ALICE);

        assertThat(requestsBy(tally, "user")).isEqualTo(Map.of("alice", 2L, "bob", 1L, "carol", 1L));
        assertThat(requestsBy(tally, "team")).isEqualTo(Map.of("platform", 2L, "(none)", 2L));
        assertThat(recent(tally, "--user", "alice")).containsExactly("alice", "alice");
        assertThat(recent(tally, "--user", "alice@corp.com")).isEmpty();
        assertThat(recent(tally, "--team", "platform")).containsExactly("alice", "alice");
        assertThat(recent(tally, "--team", "(none)")).containsExactly("bob", "carol");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void aliasingTheRoleMovesEverySessionButThoseWithTheirOwnAlias(TestStores.Kind kind) throws Exception {
        Tally tally = imported(kind);
        person(tally, "devs", "platform", ROLE);
        assertThat(requestsBy(tally, "user")).isEqualTo(Map.of("devs", 3L, "carol", 1L));
        assertThat(recent(tally, "--user", "devs")).containsExactly("devs", "devs", "devs");

        person(tally, "alice", "web", ALICE); // more specific than the role
        person(tally, "ops", "infra", "arn:aws:iam::123456789012:role/Ops"); // the IAM role's own ARN
        assertThat(requestsBy(tally, "user")).isEqualTo(Map.of("alice", 2L, "devs", 1L, "ops", 1L));
        assertThat(requestsBy(tally, "team")).isEqualTo(Map.of("web", 2L, "platform", 1L, "infra", 1L));
        assertThat(recent(tally, "--user", "devs")).containsExactly("devs");
        assertThat(recent(tally, "--user", "alice,ops")).containsExactly("alice", "alice", "ops");
        assertThat(recent(tally, "--team", "infra")).containsExactly("ops");
        assertThat(recent(tally, "--team", "(none)")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void aliasingASessionNameMovesThatSessionUnderAnyRoleAndRecordsStoredByIt(TestStores.Kind kind) throws Exception {
        Tally tally = imported(kind);
        // a record stored with the session name alone, as imports before full ARNs stored it
        tally.run("record", "--user", "bob", "--model", "claude-haiku-4-5", "--input", "10", "--output", "10",
                "--at", DAY + "T11:00:00Z").ok();
        person(tally, "devs", "platform", ROLE);
        person(tally, "robert", "platform", "bob");

        assertThat(requestsBy(tally, "user")).isEqualTo(Map.of("devs", 2L, "robert", 2L, "carol", 1L));
        assertThat(recent(tally, "--user", "robert")).containsExactly("robert", "robert");
    }
}
