package tally.store;

/** A row's region as reports show it: the cloud region its call ran in, "(none)" when it has none. */
final class Regions {
    private Regions() {}

    /** The region of a rollup or ledger row aliased {@code row} (the rollups keep '' for none, the ledger null). */
    static String region(String row) {
        return "coalesce(nullif(" + row + ".region, ''), '(none)')";
    }

    static final String REGION = region("r");
}
