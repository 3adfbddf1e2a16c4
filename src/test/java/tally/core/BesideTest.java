package tally.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BesideTest {
    @Test
    void runsTheWorkOnADaemonThreadOfItsOwnAndHandsOverItsResult() {
        Beside<String> work = Beside.start("test-work", () -> Thread.currentThread().getName()
                + (Thread.currentThread().isDaemon() ? " daemon" : ""));
        assertThat(work.join()).isEqualTo("test-work daemon");
    }

    @Test
    void workThatThrowsAnUncheckedExceptionFailsTheCallerWithTheSameException() {
        IllegalStateException down = new IllegalStateException("the store is down");
        Beside<String> work = Beside.start("test-work", () -> {
            throw down;
        });
        assertThatThrownBy(work::join).isSameAs(down);
    }

    @Test
    void aCheckedExceptionComesBackAsTheCauseOfFailed() {
        IOException gone = new IOException("no such directory");
        Beside<String> work = Beside.start("test-work", () -> {
            throw gone;
        });
        assertThatThrownBy(work::join).isInstanceOf(Beside.Failed.class).hasCause(gone);
    }

    @Test
    void workPastItsTimeFailsWithATimeoutAndIsLeftToItself() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        Beside<String> work = Beside.start("test-work", () -> {
            never.await();
            return "late";
        });
        assertThatThrownBy(() -> work.join(Duration.ofMillis(50)))
                .isInstanceOf(Beside.Failed.class).hasCauseInstanceOf(TimeoutException.class);
        never.countDown();
        assertThat(work.join()).isEqualTo("late");
    }
}
