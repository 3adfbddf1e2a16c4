package tally.web;

import tally.budget.Budgets;
import tally.gateway.VirtualKeys;
import tally.identity.People;
import tally.store.ActivityLog;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.TopRequests;
import tally.store.UsageSeries;

import java.time.Clock;
import java.time.ZoneId;

/** What the API reads, all through the store's query classes; the zone is the team's default. */
public record WebData(Store store, Ledger ledger, People people, ActivityLog activity, Budgets budgets,
                      VirtualKeys keys, UsageSeries series, TopRequests top, ZoneId zone, Clock clock) {

    public static WebData of(Store store, Ledger ledger, ZoneId zone, Clock clock) {
        return new WebData(store, ledger, new People(store), new ActivityLog(store), new Budgets(store, ledger),
                new VirtualKeys(store, clock), new UsageSeries(ledger), new TopRequests(store), zone, clock);
    }
}
