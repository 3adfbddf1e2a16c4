package tally.app;

import tally.identity.People;
import tally.pricing.ModelIds;
import tally.pricing.ModelPrice;
import tally.pricing.PriceCatalog;
import tally.report.ReportRange;
import tally.report.WhatIf;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.UsageQuery;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** {@code estimate --compare}: recorded usage priced again on other models. */
public final class Compare {
    /** {@code models} in any spelling, or a family naming exactly one catalog model ("sonnet-4-5"). */
    public record Request(ReportRange range, List<String> models, Filters filters) {}

    private final Ledger ledger;
    private final People people;
    private final Supplier<PriceCatalog> catalog;

    Compare(Ledger ledger, People people, Supplier<PriceCatalog> catalog) {
        this.ledger = ledger;
        this.people = people;
        this.catalog = catalog;
    }

    public WhatIf.Result price(Request r) {
        Fields.required("range", r.range());
        if (r.models() == null || r.models().isEmpty()) throw new IllegalArgumentException("models: required, at least one model to price");
        PriceCatalog prices = catalog.get();
        List<String> models = new ArrayList<>();
        for (String m : r.models()) models.add(model(prices, m));
        Filters f = r.filters() == null ? Filters.NONE : r.filters();
        UsageQuery q = UsageQuery.of(r.range().start(), r.range().end(), Dimension.USER, r.range().zone())
                .withAnyOf(f.anyOf(people, prices));
        return WhatIf.price(ledger, q, r.range(), prices, models);
    }

    /** A model in any spelling, or the one catalog model whose id contains it ("sonnet-4-5"). */
    private static String model(PriceCatalog catalog, String m) {
        if (catalog.resolve(m).known()) return m;
        String family = ModelIds.parse(m).id();
        List<String> matches = catalog.models().stream().map(ModelPrice::id).filter(id -> !family.isEmpty() && id.contains(family)).toList();
        if (matches.size() == 1) return matches.get(0);
        if (matches.isEmpty()) throw new IllegalArgumentException("--compare: the price catalog does not know model '" + m + "' (add it with --prices FILE)");
        throw new IllegalArgumentException("--compare: '" + m + "' could be any of " + String.join(", ", matches) + "; name one");
    }
}
