package tally.app;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A retention window as people write it, here and in the REST API's prune request. */
class PruningTest {

    private static Pruning.Request request(String json) throws Exception {
        return AppJson.MAPPER.readValue(json, Pruning.Request.class);
    }

    @Test
    void aWindowIsANumberWithItsUnitOrIso8601() {
        assertThat(Pruning.window("--older-than", "90d")).isEqualTo(Duration.ofDays(90));
        assertThat(Pruning.window("--older-than", "P90D")).isEqualTo(Duration.ofDays(90));
        assertThat(Pruning.window("--older-than", "48h")).isEqualTo(Duration.ofDays(2));
        assertThat(Pruning.window("--older-than", "PT2160H")).isEqualTo(Duration.ofDays(90)); // how a Duration is written
        assertThat(Pruning.window("--older-than", "3660d")).isEqualTo(Pruning.MAX_WINDOW);
    }

    @Test
    void aWindowOfNothingBeyondTenYearsOrWithoutAUnitIsRefusedWithTheReason() {
        assertThatThrownBy(() -> Pruning.window("--older-than", "0d"))
                .hasMessage("--older-than: the retention window must be at least 1d; got '0d'");
        assertThatThrownBy(() -> Pruning.window("--older-than", "99999999d"))
                .hasMessage("--older-than: the retention window must be at most 3660d; got '99999999d'");
        assertThatThrownBy(() -> Pruning.window("--older-than", "9999999999999999999d"))
                .hasMessageContaining("expected a duration such as 90d");
        assertThatThrownBy(() -> Pruning.window("--older-than", "90")).hasMessageContaining("give a unit: '90d'");
        assertThatThrownBy(() -> Pruning.window("--older-than", "P-90D")).hasMessageContaining("expected a duration such as 90d");
    }

    @Test
    void theApiRequestTakesBothSpellingsAndRefusesWhatItCannotRead() throws Exception {
        assertThat(request("{\"olderThan\":\"90d\",\"dryRun\":true}")).isEqualTo(new Pruning.Request(Duration.ofDays(90), true));
        assertThat(request("{\"olderThan\":\"P90D\"}")).isEqualTo(new Pruning.Request(Duration.ofDays(90), false));
        Pruning.Request sent = new Pruning.Request(Duration.ofDays(400), true); // what the CLI sends beside a server
        assertThat(request(AppJson.MAPPER.writeValueAsString(sent))).isEqualTo(sent);
        assertThat(request("{}").olderThan()).isNull(); // prune() then says a window is required
        assertThatThrownBy(() -> request("{\"olderThan\":\"99999999d\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("olderThan: the retention window must be at most 3660d");
        assertThatThrownBy(() -> request("{\"olderThan\":90}")).hasMessageContaining("olderThan: expected a string");
        assertThatThrownBy(() -> request("{\"olderThan\":\"90d\",\"dryRun\":\"yes\"}")).hasMessageContaining("dryRun: expected true or false");
        assertThatThrownBy(() -> request("{\"older_than\":\"90d\"}")).hasMessageContaining("older_than: unknown field");
    }
}
