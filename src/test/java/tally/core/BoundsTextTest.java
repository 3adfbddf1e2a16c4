package tally.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record whose text holds a NUL character or an unpaired surrogate is refused, naming the field: no
 * PostgreSQL text can hold the first, and no UTF-8 text the second.
 */
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
    void anUnpairedSurrogateIsRefusedNamingFieldCharacterAndPlace() {
        // a JSON text may escape half a surrogate pair alone; no UTF-8 store can keep it as sent
        assertThat(Bounds.check(record().identity("al\uD800ice").build(), NOW))
                .isEqualTo("identity contains an unpaired surrogate (U+D800) at character 2");
        assertThat(Bounds.check(record().project("x\uDC00").build(), NOW))
                .isEqualTo("project contains an unpaired surrogate (U+DC00) at character 1");
        assertThat(Bounds.check(record().sessionId("\uDBFF").build(), NOW)).startsWith("session_id ");
        assertThat(Bounds.check(record().requestId("\uDC00\uD800").build(), NOW)).endsWith("(U+DC00) at character 0");
    }

    @Test
    void pairedSurrogatesAndOtherNonAsciiTextAreKept() {
        assertThat(Bounds.check(record().identity("\uD83D\uDE00 zoë \u4E2D").project("\uDBFF\uDFFF").build(), NOW)).isNull();
        assertThat(Bounds.text(new Activity("a1", NOW, "al\uD83D\uDE00", null, "s\uDBFF", Activity.Kind.COMMIT, 1)))
                .isEqualTo("session_id contains an unpaired surrogate (U+DBFF) at character 1");
    }

    @Test
    void otherControlCharactersAreKept() {
        assertThat(Bounds.check(record().project("a\tb\u0001c").build(), NOW)).isNull();
    }
}
