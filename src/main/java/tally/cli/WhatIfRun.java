package tally.cli;

import tally.app.Compare;
import tally.app.Ops;
import tally.report.ReportRange;
import tally.report.WhatIf;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** {@code tally estimate --compare}: recorded usage priced on other models. */
final class WhatIfRun {
    void run(EstimateCommand c, GlobalOptions g) {
        List<String> given = new ArrayList<>();
        for (String m : c.compare) if (!m.isBlank()) given.add(m.trim());
        if (given.isEmpty()) throw new UserError("--compare: name at least one model");
        FilterOptions f = new FilterOptions();
        f.users = c.users;
        f.teams = c.teams;
        f.sources = c.sources;
        if (c.model != null) f.models = List.of(c.model);
        try (Backend b = Backend.openPricing(g, false)) {
            ReportRange range = c.period.range(g.zone(), Clock.systemUTC());
            WhatIf.Result r = b.call(Ops.COMPARE, new Compare.Request(range, given, f.spec()));
            c.spec.commandLine().getOut().print(c.format == EstimateCommand.Format.json ? WhatIf.json(r) : WhatIf.table(r));
        }
    }
}
