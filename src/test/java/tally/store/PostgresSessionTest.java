package tally.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How PostgreSQL runs the ledger's queries. Reports ask the same statements over and over with a new
 * range each time; a cached generic plan guesses the range's size, and for one person's top requests
 * it walked the month's time index (0.8 s at 1M records) instead of the cost index (10 ms).
 */
class PostgresSessionTest {
    @TempDir Path dir;

    @Test
    void everyStatementIsPlannedForItsOwnParametersAndNeverJitCompiled() {
        try (Store store = Store.open(StoreConfig.postgres(dir, TestStores.freshSchemaUrl()))) {
            assertThat(setting(store, "plan_cache_mode")).isEqualTo("force_custom_plan");
            assertThat(setting(store, "jit")).isEqualTo("off");
        }
    }

    private static String setting(Store store, String name) {
        List<String> v = Jdbc.query(store, "SELECT current_setting(?)", List.of(name), rs -> rs.getString(1), store::unavailable);
        return v.get(0);
    }
}
