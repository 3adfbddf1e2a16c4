package tally.report;

import tally.store.AnyOf;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.UsageMatrix;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.util.List;
import java.util.Map;

/** A two-way report: usage per (row, column) pair, e.g. model × developer or day × developer, with the total. */
public record SplitReport(ReportRange range, Dimension by, Dimension split, List<UsageMatrix.Cell> cells, UsageRow total,
                          Map<String, Long> unpricedModels) {

    public static SplitReport build(Ledger ledger, ReportRange range, Dimension by, Dimension split, AnyOf filters) {
        UsageQuery q = UsageQuery.of(range.start(), range.end(), by, range.zone()).withAnyOf(filters);
        UsageRow total = ledger.totals(q).withKey("TOTAL");
        return new SplitReport(range, by, split, new UsageMatrix(ledger).query(q, split), total, ledger.unpricedModels(q, total));
    }
}
