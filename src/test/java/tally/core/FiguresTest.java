package tally.core;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Reports print numbers as {@code %,d} and {@code %,.2f} do in English, on any machine, without a formatter per call. */
class FiguresTest {
    @Test
    void countsAreGroupedByThousandsWithCommas() {
        assertThat(Figures.grouped(0)).isEqualTo("0");
        assertThat(Figures.grouped(999)).isEqualTo("999");
        assertThat(Figures.grouped(1000)).isEqualTo("1,000");
        assertThat(Figures.grouped(-1234567)).isEqualTo("-1,234,567");
        assertThat(Figures.grouped(Long.MAX_VALUE)).isEqualTo("9,223,372,036,854,775,807");
        assertThat(Figures.grouped(Long.MIN_VALUE)).isEqualTo("-9,223,372,036,854,775,808");
        SplittableRandom random = new SplittableRandom(16);
        for (int i = 0; i < 20_000; i++) {
            long n = random.nextLong() >> random.nextInt(64);
            assertThat(Figures.grouped(n)).as("%d", n).isEqualTo(String.format(Locale.US, "%,d", n));
        }
    }

    @Test
    void amountsRoundHalfUpToTwoDecimals() {
        assertThat(Figures.twoDecimals(new BigDecimal("0.125"))).isEqualTo("0.13");
        assertThat(Figures.twoDecimals(new BigDecimal("-0.125"))).isEqualTo("-0.13");
        assertThat(Figures.twoDecimals(new BigDecimal("-0.004"))).isEqualTo("0.00");
        assertThat(Figures.twoDecimals(new BigDecimal("999.995"))).isEqualTo("1,000.00");
        assertThat(Figures.twoDecimals(new BigDecimal("1234567.891"))).isEqualTo("1,234,567.89");
        assertThat(Figures.twoDecimals(2.675)).isEqualTo(String.format(Locale.US, "%,.2f", 2.675));
        assertThat(Figures.twoDecimals(Double.NaN)).isEqualTo("NaN");
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 20_000; i++) {
            BigDecimal amount = BigDecimal.valueOf(random.nextLong() >> random.nextInt(64), 9);
            assertThat(Figures.twoDecimals(amount)).as("%s", amount)
                    .isEqualTo(String.format(Locale.US, "%,.2f", amount.setScale(2, RoundingMode.HALF_UP)));
            double d = random.nextDouble() * Math.pow(10, random.nextInt(12)) * (random.nextBoolean() ? 1 : -1);
            assertThat(Figures.twoDecimals(d)).as("%s", d).isEqualTo(String.format(Locale.US, "%,.2f", d));
        }
    }

    @Test
    void dollarsKeepTheirSignOutsideTheSymbol() {
        assertThat(Nanos.toDollars(1_234_567_890_123L)).isEqualTo("$1,234.57");
        assertThat(Nanos.toDollars(-5_000_000L)).isEqualTo("-$0.01");
        assertThat(Nanos.toDollars(-4_999_999L)).isEqualTo("$0.00");
        assertThat(Nanos.toDollars(0)).isEqualTo("$0.00");
    }
}
