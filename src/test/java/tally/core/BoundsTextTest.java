package tally.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A record whose text holds a NUL character is refused, naming the field: no PostgreSQL text can hold one. */
class BoundsTextTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private static UsageEvent.Builder record() {
        return UsageEvent.builder().id("r1").time(NOW).identity("alice").model("claude-sonnet-4-5").tokens(new TokenCounts(1, 0, 0, 0, 1));
    }

    @Test
    void eachTextFieldIsCheckedAndNamed() {
        assertThat(Bounds.check(record().build(), NOW)).isNull();
        assertThat(Bounds.check(record().id("r\u00001").build(), NOW)).isEqualTo("id contains a NUL character (U+0000)");
        assertThat(Bounds.check(record().identity("al\u0000ice").build(), NOW)).startsWith("identity ");
        assertThat(Bounds.check(record().team("t\u0000").build(), NOW)).startsWith("team ");
        assertThat(Bounds.check(record().project("\u0000").build(), NOW)).startsWith("project ");
        assertThat(Bounds.check(record().sessionId("s\u0000").build(), NOW)).startsWith("session_id ");
        assertThat(Bounds.check(record().requestId("req_\u0000").build(), NOW)).startsWith("request_id ");
        assertThat(Bounds.check(record().model("claude\u0000").build(), NOW)).startsWith("model ");
        assertThat(Bounds.check(record().region("us-east-1\u0000").build(), NOW)).startsWith("region ");
    }

    @Test
    void telemetryActivityIsCheckedToo() {
        assertThat(Bounds.text(new Activity("a1", NOW, "alice", null, "s1", Activity.Kind.COMMIT, 1))).isNull();
        assertThat(Bounds.text(new Activity("a1", NOW, "alice", null, "s\u00001", Activity.Kind.COMMIT, 1)))
                .isEqualTo("session_id contains a NUL character (U+0000)");
    }

    @Test
    void otherControlCharactersAreKept() {
        assertThat(Bounds.check(record().project("a\tb\u0001c").build(), NOW)).isNull();
    }
}
