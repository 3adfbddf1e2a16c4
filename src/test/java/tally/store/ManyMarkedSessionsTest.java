package tally.store;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which report of a session counts, again, with 150,000 other people's sessions marked metered: on
 * DuckDB a batch then finds its few sessions by session id ({@link MeteredSessions#markBySession})
 * instead of reading every stored mark, and every rule holds as it does with few marks.
 */
class ManyMarkedSessionsTest extends SourcePrecedenceTest {
    private static final long OTHERS = 150_000;

    @Override
    Store open(TestStores.Kind kind) {
        Store store = super.open(kind);
        try (Connection c = store.connection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO metered_sessions (session_id, identity, source, first_ms) SELECT 'other-' || i, 'someone', 'gateway', 0"
                    + (kind == TestStores.Kind.DUCKDB ? " FROM range(" + OTHERS + ") t(i)" : " FROM generate_series(1, " + OTHERS + ") i"));
            if (kind == TestStores.Kind.DUCKDB) assertThat(MeteredSessions.bySession(MeteredSessions.storedOnDuckDb(c), 3)).isTrue();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return store;
    }

    @Test
    void sessionsAreFoundBySessionIdOnlyAmongManyMarks() {
        assertThat(MeteredSessions.bySession(0, 1)).isFalse();
        assertThat(MeteredSessions.bySession(MeteredSessions.FEW_MARKS, 1)).isFalse();
        assertThat(MeteredSessions.bySession(MeteredSessions.FEW_MARKS + 1, 1)).isTrue();
        assertThat(MeteredSessions.bySession(400 * MeteredSessions.MARKS_PER_SESSION, 400)).isFalse();
        assertThat(MeteredSessions.bySession(5_000_000, 400)).isTrue();
    }
}
