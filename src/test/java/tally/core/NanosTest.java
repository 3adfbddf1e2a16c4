package tally.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NanosTest {
    @Test
    void tablesKeepTwoSignificantDigitsUnderACentAndCentsAbove() {
        assertThat(Nanos.toDollarsReadable(1_200_000L)).isEqualTo("$0.0012");
        assertThat(Nanos.toDollarsReadable(5_005_000L)).isEqualTo("$0.0050"); // the trailing zero is a digit
        assertThat(Nanos.toDollarsReadable(8_000_000L)).isEqualTo("$0.0080");
        assertThat(Nanos.toDollarsReadable(-1_250_000L)).isEqualTo("-$0.0013");
        assertThat(Nanos.toDollarsReadable(9_960_000L)).as("rounds up to a cent").isEqualTo("$0.01");
        assertThat(Nanos.toDollarsReadable(10_000_000L)).isEqualTo("$0.01");
        assertThat(Nanos.toDollarsReadable(1_234_567_891L)).isEqualTo("$1.23");
        assertThat(Nanos.toDollarsReadable(0)).isEqualTo("$0.00");
    }
}
