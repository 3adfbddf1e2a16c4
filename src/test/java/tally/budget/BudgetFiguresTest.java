package tally.budget;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a budget's amounts and use read: under a cent they keep two significant digits; a share is exact at any size. */
class BudgetFiguresTest {
    private static Budget usd(long nanos) {
        return new Budget("b", Budget.Scope.PERSON, "dan", Budget.Period.DAILY, Budget.Unit.USD, nanos, true, 100);
    }

    @Test
    void anAmountUnderACentReadsInTwoSignificantDigitsNotAsNothing() {
        Budget twoTenthsOfACent = usd(2_000_000L); // $0.002
        assertThat(twoTenthsOfACent.format(twoTenthsOfACent.amount())).isEqualTo("$0.0020");
        assertThat(twoTenthsOfACent.format(900_000L)).isEqualTo("$0.00090");
        assertThat(usd(5_000_000_000L).format(4_500_000_000L)).isEqualTo("$4.50");
    }

    @Test
    void theShareUsedIsRoundedDownAndExactForSpendsPastWhatALongTimesAHundredHolds() {
        Budget ten = usd(10_000_000_000L);
        assertThat(ten.percentUsed(9_750_000_000L)).isEqualTo(97);
        assertThat(ten.percentUsed(0)).isZero();
        // $117M spent: spent x 100 overflows a long; the share must still be the true one
        assertThat(ten.percentUsed(117_000_000_000_000_000L)).isEqualTo(1_170_000_000L);
    }
}
