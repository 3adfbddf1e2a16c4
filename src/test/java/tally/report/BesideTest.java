package tally.report;

import org.junit.jupiter.api.Test;
import tally.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BesideTest {
    @Test
    void runsTheReadOnAThreadOfItsOwnAndHandsOverItsResult() {
        Beside<String> read = Beside.start("test-read", () -> Thread.currentThread().getName());
        assertThat(read.join()).isEqualTo("test-read");
    }

    @Test
    void aReadThatFailsFailsTheCallerWithTheSameException() {
        StoreException down = new StoreException("the store is down");
        Beside<String> read = Beside.start("test-read", () -> {
            throw down;
        });
        assertThatThrownBy(read::join).isSameAs(down);
    }
}
