package tally.pricing;

import org.junit.jupiter.api.Test;
import tally.core.Nanos;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Money stays exact: integer arithmetic, rounded half-up once per token class. */
class PricerArithmeticTest {

    @Test
    void roundsHalfUpOncePerClass() {
        // 3 tokens at half a nano-dollar each = 1.5 → 2; 1 token = 0.5 → 1; 0.4999… → 0.
        assertThat(Pricer.cost(3, 500_000, Ratio.ONE)).isEqualTo(2);
        assertThat(Pricer.cost(1, 500_000, Ratio.ONE)).isEqualTo(1);
        assertThat(Pricer.cost(1, 499_999, Ratio.ONE)).isZero();
        // Rounded after multiplying: 1 token × 0.5 nano × 1/2 = 0.25 → 0, not round(0.5) × 1/2.
        assertThat(Pricer.cost(1, 500_000, Ratio.of(1, 2))).isZero();
    }

    @Test
    void ratiosStayExact() {
        assertThat(Ratio.parse("1.1")).isEqualTo(new Ratio(11, 10));
        assertThat(Ratio.parse("0.5").times(Ratio.parse("1.1")).times(Ratio.parse("6"))).isEqualTo(new Ratio(33, 10));
        assertThat(Ratio.parse("60")).isEqualTo(new Ratio(60, 1));
        assertThat(Ratio.parse("1.10").isOne()).isFalse();
        assertThat(Ratio.parse("1.0").isOne()).isTrue();
    }

    @Test
    void theFastPathAgreesWithExactDecimalArithmetic() {
        SplittableRandom random = new SplittableRandom(42);
        Ratio[] ratios = {Ratio.ONE, Ratio.of(1, 2), Ratio.of(11, 10), Ratio.of(121, 200), Ratio.of(6, 1), Ratio.of(33, 10)};
        for (int i = 0; i < 100_000; i++) {
            long tokens = random.nextLong(0, i % 10 == 0 ? 1_000_000_000_000L : 5_000_000);
            long rate = random.nextLong(0, 100_000_000_000L);
            Ratio m = ratios[random.nextInt(ratios.length)];
            assertThat(Pricer.cost(tokens, rate, m)).as("%d × %d × %s", tokens, rate, m)
                    .isEqualTo(exact(tokens, rate, m));
        }
    }

    @Test
    void hugeCountsFallBackToExactArithmetic() {
        long tokens = 4_000_000_000_000L; // 4e12 tokens at $75/M × 6 = $1.8e9
        assertThat(Pricer.cost(tokens, Nanos.fromDollars("75"), Ratio.of(6, 1))).isEqualTo(Nanos.fromDollars("1800000000"));
    }

    private static long exact(long tokens, long rate, Ratio m) {
        BigInteger n = BigInteger.valueOf(tokens).multiply(BigInteger.valueOf(rate)).multiply(BigInteger.valueOf(m.num()));
        return new BigDecimal(n).divide(BigDecimal.valueOf(1_000_000L * m.den()), 0, RoundingMode.HALF_UP).longValueExact();
    }
}
