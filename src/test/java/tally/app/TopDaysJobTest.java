package tally.app;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * {@code serve} on the embedded store keeps the top days of the last five weeks in the background,
 * so a dashboard's top pages do not fill them; a pass that fails waits for the next one.
 */
class TopDaysJobTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void aPassKeepsTheLastFiveWeeksUpToNow() {
        List<Instant[]> asked = new ArrayList<>();
        new TopDaysJob((from, to) -> asked.add(new Instant[] {from, to}), CLOCK).runOnce();
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0)).containsExactly(NOW.minus(Duration.ofDays(35)), NOW);
    }

    @Test
    void aPassThatFailsIsLoggedAndTheJobGoesOn() {
        TopDaysJob job = new TopDaysJob((from, to) -> {
            throw new IllegalStateException("the store is busy");
        }, CLOCK);
        assertThatCode(job::runOnce).doesNotThrowAnyException();
    }

    @Test
    void theJobStartsAndStopsWithTheServer() {
        try (TopDaysJob job = new TopDaysJob((from, to) -> { }, CLOCK).start()) {
            assertThat(job).isNotNull();
        }
    }
}
