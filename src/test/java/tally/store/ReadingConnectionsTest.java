package tally.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded store keeps a reading connection and its prepared statements between uses, and only a
 * reading one: whatever began a transaction or ran a plain statement is closed as before.
 */
class ReadingConnectionsTest {
    @TempDir Path dir;
    private Store store;
    private ReadingConnections readers;

    @BeforeEach
    void open() {
        store = Store.open(StoreConfig.embedded(dir));
        readers = ((DuckDbDialect) store.dialect()).readers();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static List<Long> count(Connection c) throws SQLException {
        return Jdbc.query(c, "SELECT count(*) FROM usage_events WHERE ts_ms >= ?", List.of(0L), rs -> rs.getLong(1));
    }

    @Test
    void aReaderGoesBackToThePoolAndSeesWhatIsWrittenAfter() throws Exception {
        int before = readers.idle();
        try (Connection c = store.connection()) {
            assertThat(count(c)).containsExactly(0L);
        }
        assertThat(readers.idle()).isEqualTo(before + 1);
        new Ledger(store).write(List.of(Events.priced("r1", "2026-11-30T10:00:00Z", "alice", 1_000)), e -> e);
        try (Connection c = store.connection()) {
            assertThat(count(c)).as("the kept statement runs again on fresh data").containsExactly(1L);
            assertThat(count(c)).containsExactly(1L);
        }
        assertThat(readers.idle()).isEqualTo(before + 1);
    }

    @Test
    void aConnectionThatBeganATransactionOrRanAPlainStatementIsNotKept() throws Exception {
        int before = readers.idle();
        store.inTransaction(c -> count(c));
        assertThat(readers.idle()).isEqualTo(before);
        try (Connection c = store.connection(); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE scratch (x INTEGER)");
        }
        assertThat(readers.idle()).isEqualTo(before);
        try (Connection c = store.connection(); java.sql.Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("SELECT * FROM scratch")).as("no temp table outlives its connection")
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void aStatementThatFailedIsPreparedAfreshAndAClosedConnectionRefusesWork() throws Exception {
        String sql = "SELECT CAST(? AS INTEGER)";
        try (Connection c = store.connection()) {
            assertThatThrownBy(() -> Jdbc.query(c, sql, List.of("x"), rs -> rs.getLong(1))).isInstanceOf(SQLException.class);
            assertThat(Jdbc.query(c, sql, List.of("2"), rs -> rs.getLong(1))).containsExactly(2L);
        }
        Connection c = store.connection();
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThatThrownBy(() -> c.prepareStatement("SELECT 1")).isInstanceOf(SQLException.class);
        store.close();
        assertThat(readers.idle()).isZero();
        store = Store.open(StoreConfig.embedded(dir));
    }
}
