package tally.cli;

import tally.pricing.ModelPrice;
import tally.pricing.PriceCatalog;
import tally.report.ReportRange;
import tally.report.WhatIf;
import tally.store.Dimension;
import tally.store.UsageQuery;

import java.util.ArrayList;
import java.util.List;

/** {@code tally estimate --compare}: recorded usage priced on other models. */
final class WhatIfRun {
    void run(EstimateCommand c, GlobalOptions g) {
        List<String> models = new ArrayList<>();
        List<String> given = new ArrayList<>();
        for (String m : c.compare) if (!m.isBlank()) given.add(m.trim());
        if (given.isEmpty()) throw new UserError("--compare: name at least one model");
        FilterOptions f = new FilterOptions();
        f.users = c.users;
        f.teams = c.teams;
        f.sources = c.sources;
        if (c.model != null) f.models = List.of(c.model);
        try (Session s = Session.open(g)) {
            for (String m : given) models.add(model(s.catalog(), m));
            ReportRange range = range(c, s);
            UsageQuery q = UsageQuery.of(range.start(), range.end(), Dimension.USER, s.zone()).withAnyOf(f.anyOf(s.people, s.catalog()));
            WhatIf.Result r = WhatIf.price(s.ledger, q, range, s.catalog(), models);
            c.spec.commandLine().getOut().print(c.format == EstimateCommand.Format.json ? WhatIf.json(r) : WhatIf.table(r));
        }
    }

    private static ReportRange range(EstimateCommand c, Session s) {
        int given = (c.month != null ? 1 : 0) + (c.last != null ? 1 : 0) + (c.when.given() ? 1 : 0);
        if (given > 1) throw new UserError("give one of --month, --last or --days/--from/--to");
        if (c.month != null) return ReportRange.month(c.month, s.zone(), s.clock);
        if (c.last != null) return ReportRange.rolling(Durations.parse("--last", c.last), s.zone(), s.clock);
        return c.when.range(s.zone(), s.clock);
    }

    /** A model in any spelling, or the one catalog model whose id contains it ("sonnet-4-5"). */
    private static String model(PriceCatalog catalog, String m) {
        if (catalog.resolve(m).known()) return m;
        String family = tally.pricing.ModelIds.parse(m).id();
        List<String> matches = catalog.models().stream().map(ModelPrice::id).filter(id -> !family.isEmpty() && id.contains(family)).toList();
        if (matches.size() == 1) return matches.get(0);
        if (matches.isEmpty()) throw new UserError("--compare: the price catalog does not know model '" + m + "' (add it with --prices FILE)");
        throw new UserError("--compare: '" + m + "' could be any of " + String.join(", ", matches) + "; name one");
    }
}
