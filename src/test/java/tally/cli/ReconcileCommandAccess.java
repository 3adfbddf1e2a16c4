package tally.cli;

import tally.importers.anthropic.Reconciliation;

/** The reconcile command's table, for tests in other packages. */
public final class ReconcileCommandAccess {
    private ReconcileCommandAccess() {}

    public static String table(Reconciliation r) {
        return ReconcileCommand.table(r);
    }
}
