package tally.app;

import tally.gateway.VirtualKeys;
import tally.identity.Person;
import tally.importers.anthropic.Reconciliation;
import tally.report.ActivityReport;
import tally.report.SessionBlocks;
import tally.report.WhatIf;
import tally.store.ImportOffsets;
import tally.store.PruneResult;
import tally.store.RecentRequests;
import tally.store.TopRequest;
import tally.store.WriteResult;
import tally.store.UsageRow;

import java.util.List;
import java.util.Map;

/**
 * Every use-case call the REST API serves to the CLI (and any other admin client), by route:
 * {@code POST /api/<name>}, a typed JSON request in, a typed JSON result out.
 */
// Each call is a small class rather than a lambda: every reading command loads this table, and linking its
// ~30 lambdas cost 8-17 ms of the main thread's start, where these classes come mapped from the class-data archive.
public final class Ops {
    /** For calls that take nothing. */
    public record None() {}

    public static final Op<Keys.Create, VirtualKeys.Issued> KEYS_CREATE =
            new Op<>("keys/create", Keys.Create.class, VirtualKeys.Issued.class) {
        @Override public VirtualKeys.Issued run(App a, Keys.Create q) { return a.keys().create(q); }
    };
    public static final Op<None, Keys.Listing> KEYS_LIST = new Op<>("keys/list", None.class, Keys.Listing.class) {
        @Override public Keys.Listing run(App a, None q) { return a.keys().list(); }
    };
    public static final Op<Keys.Revoke, Keys.Revoked> KEYS_REVOKE =
            new Op<>("keys/revoke", Keys.Revoke.class, Keys.Revoked.class) {
        @Override public Keys.Revoked run(App a, Keys.Revoke q) { return a.keys().revoke(q); }
    };
    public static final Op<PeopleAdmin.Add, PeopleAdmin.Done> PEOPLE_ADD =
            new Op<>("people/add", PeopleAdmin.Add.class, PeopleAdmin.Done.class) {
        @Override public PeopleAdmin.Done run(App a, PeopleAdmin.Add q) { return a.people().add(q); }
    };
    public static final Op<PeopleAdmin.Alias, PeopleAdmin.Done> PEOPLE_ALIAS =
            new Op<>("people/alias", PeopleAdmin.Alias.class, PeopleAdmin.Done.class) {
        @Override public PeopleAdmin.Done run(App a, PeopleAdmin.Alias q) { return a.people().alias(q); }
    };
    public static final Op<None, List<Person>> PEOPLE_LIST =
            new Op<>("people/list", None.class, Person.class, Op.Shape.LIST) {
        @Override public List<Person> run(App a, None q) { return a.people().list(); }
    };
    public static final Op<BudgetAdmin.Set, BudgetAdmin.Saved> BUDGETS_SET =
            new Op<>("budgets/set", BudgetAdmin.Set.class, BudgetAdmin.Saved.class) {
        @Override public BudgetAdmin.Saved run(App a, BudgetAdmin.Set q) { return a.budgets().set(q); }
    };
    public static final Op<BudgetAdmin.ListRequest, List<BudgetAdmin.Line>> BUDGETS_LIST =
            new Op<>("budgets/list", BudgetAdmin.ListRequest.class, BudgetAdmin.Line.class, Op.Shape.LIST) {
        @Override public List<BudgetAdmin.Line> run(App a, BudgetAdmin.ListRequest q) { return a.budgets().list(q); }
    };
    public static final Op<BudgetAdmin.Remove, BudgetAdmin.Removed> BUDGETS_REMOVE =
            new Op<>("budgets/remove", BudgetAdmin.Remove.class, BudgetAdmin.Removed.class) {
        @Override public BudgetAdmin.Removed run(App a, BudgetAdmin.Remove q) { return a.budgets().remove(q); }
    };
    public static final Op<Tokens.Create, Tokens.Created> TOKENS_CREATE =
            new Op<>("tokens/create", Tokens.Create.class, Tokens.Created.class) {
        @Override public Tokens.Created run(App a, Tokens.Create q) { return a.tokens().create(q); }
    };
    public static final Op<None, Tokens.Listing> TOKENS_LIST = new Op<>("tokens/list", None.class, Tokens.Listing.class) {
        @Override public Tokens.Listing run(App a, None q) { return a.tokens().list(); }
    };
    public static final Op<Tokens.Revoke, Tokens.Revoked> TOKENS_REVOKE =
            new Op<>("tokens/revoke", Tokens.Revoke.class, Tokens.Revoked.class) {
        @Override public Tokens.Revoked run(App a, Tokens.Revoke q) { return a.tokens().revoke(q); }
    };
    public static final Op<Recording.Request, Recording.Recorded> RECORD =
            new Op<>("records/create", Recording.Request.class, Recording.Recorded.class) {
        @Override public Recording.Recorded run(App a, Recording.Request q) { return a.recording().record(q); }
    };
    public static final Op<Reports.Request, Reports.Rendered> REPORT =
            new Op<>("reports/render", Reports.Request.class, Reports.Rendered.class) {
        @Override public Reports.Rendered run(App a, Reports.Request q) { return a.reports().report(q); }
    };
    public static final Op<Totals.Request, UsageRow> TOTALS =
            new Op<>("totals/query", Totals.Request.class, UsageRow.class) {
        @Override public UsageRow run(App a, Totals.Request q) { return a.totals().totals(q); }
    };
    public static final Op<Recent.Request, List<TopRequest>> RECENT =
            new Op<>("records/recent", Recent.Request.class, TopRequest.class, Op.Shape.LIST) {
        @Override public List<TopRequest> run(App a, Recent.Request q) { return a.recent().list(q); }
    };
    public static final Op<Recent.Arrivals, List<RecentRequests.Arrival>> ARRIVALS =
            new Op<>("records/arrivals", Recent.Arrivals.class, RecentRequests.Arrival.class, Op.Shape.LIST) {
        @Override public List<RecentRequests.Arrival> run(App a, Recent.Arrivals q) { return a.recent().arrivals(q); }
    };
    public static final Op<StatusLine.Request, StatusLine.Line> STATUS_LINE =
            new Op<>("statusline/render", StatusLine.Request.class, StatusLine.Line.class) {
        @Override public StatusLine.Line run(App a, StatusLine.Request q) { return a.statusLine().line(q); }
    };
    public static final Op<ProjectsAdmin.Map, ProjectsAdmin.Done> PROJECTS_MAP =
            new Op<>("projects/map", ProjectsAdmin.Map.class, ProjectsAdmin.Done.class) {
        @Override public ProjectsAdmin.Done run(App a, ProjectsAdmin.Map q) { return a.projects().map(q); }
    };
    public static final Op<ProjectsAdmin.Set, ProjectsAdmin.Done> PROJECTS_SET =
            new Op<>("projects/set", ProjectsAdmin.Set.class, ProjectsAdmin.Done.class) {
        @Override public ProjectsAdmin.Done run(App a, ProjectsAdmin.Set q) { return a.projects().set(q); }
    };
    public static final Op<None, ProjectsAdmin.Listing> PROJECTS_LIST =
            new Op<>("projects/list", None.class, ProjectsAdmin.Listing.class) {
        @Override public ProjectsAdmin.Listing run(App a, None q) { return a.projects().list(); }
    };

    public static final Op<Top.Request, List<TopRequest>> TOP =
            new Op<>("reports/top", Top.Request.class, TopRequest.class, Op.Shape.LIST) {
        @Override public List<TopRequest> run(App a, Top.Request q) { return a.top().top(q); }
    };
    public static final Op<Export.Request, Export.Page> EXPORT =
            new Op<>("records/export", Export.Request.class, Export.Page.class) {
        @Override public Export.Page run(App a, Export.Request q) { return a.export().page(q); }
    };
    public static final Op<Activity.Request, ActivityReport> ACTIVITY =
            new Op<>("reports/activity", Activity.Request.class, ActivityReport.class) {
        @Override public ActivityReport run(App a, Activity.Request q) { return a.activity().report(q); }
    };
    public static final Op<Blocks.Request, List<SessionBlocks.Block>> BLOCKS =
            new Op<>("reports/blocks", Blocks.Request.class, SessionBlocks.Block.class, Op.Shape.LIST) {
        @Override public List<SessionBlocks.Block> run(App a, Blocks.Request q) { return a.blocks().blocks(q); }
    };
    public static final Op<Reconcile.Request, Reconciliation> RECONCILE =
            new Op<>("reports/reconcile", Reconcile.Request.class, Reconciliation.class) {
        @Override public Reconciliation run(App a, Reconcile.Request q) { return a.reconcile().month(q); }
    };
    public static final Op<Reprice.Request, Reprice.Repriced> REPRICE =
            new Op<>("records/reprice", Reprice.Request.class, Reprice.Repriced.class) {
        @Override public Reprice.Repriced run(App a, Reprice.Request q) { return a.reprice().reprice(q); }
    };
    public static final Op<Compare.Request, WhatIf.Result> COMPARE =
            new Op<>("estimates/compare", Compare.Request.class, WhatIf.Result.class) {
        @Override public WhatIf.Result run(App a, Compare.Request q) { return a.compare().price(q); }
    };
    public static final Op<Imports.Batch, WriteResult> IMPORT_WRITE =
            new Op<>("imports/write", Imports.Batch.class, WriteResult.class) {
        @Override public WriteResult run(App a, Imports.Batch q) { return a.imports().write(q); }
    };
    public static final Op<Imports.OffsetsRequest, Map<String, ImportOffsets.Offset>> IMPORT_OFFSETS =
            new Op<>("imports/offsets", Imports.OffsetsRequest.class, ImportOffsets.Offset.class, Op.Shape.MAP) {
        @Override public Map<String, ImportOffsets.Offset> run(App a, Imports.OffsetsRequest q) { return a.imports().offsets(q); }
    };
    public static final Op<Imports.SaveOffsets, Imports.Saved> IMPORT_SAVE_OFFSETS =
            new Op<>("imports/offsets/save", Imports.SaveOffsets.class, Imports.Saved.class) {
        @Override public Imports.Saved run(App a, Imports.SaveOffsets q) { return a.imports().save(q); }
    };
    public static final Op<AnthropicImport.Request, AnthropicImport.Imported> IMPORT_ANTHROPIC =
            new Op<>("imports/anthropic", AnthropicImport.Request.class, AnthropicImport.Imported.class) {
        @Override public AnthropicImport.Imported run(App a, AnthropicImport.Request q) { return a.anthropic().run(q); }
    };
    public static final Op<Pruning.Request, PruneResult> PRUNE =
            new Op<>("records/prune", Pruning.Request.class, PruneResult.class) {
        @Override public PruneResult run(App a, Pruning.Request q) { return a.pruning().prune(q); }
    };
    public static final Op<AwsCostsAdmin.Save, AwsCostsAdmin.Saved> IMPORT_AWS_COSTS =
            new Op<>("imports/aws-costs", AwsCostsAdmin.Save.class, AwsCostsAdmin.Saved.class) {
        @Override public AwsCostsAdmin.Saved run(App a, AwsCostsAdmin.Save q) { return a.awsCosts().save(q); }
    };
    public static final Op<Reconcile.Request, Reconciliation> RECONCILE_AWS =
            new Op<>("reports/reconcile-aws", Reconcile.Request.class, Reconciliation.class) {
        @Override public Reconciliation run(App a, Reconcile.Request q) { return a.reconcile().aws(q); }
    };

    public static final List<Op<?, ?>> ALL = List.of(KEYS_CREATE, KEYS_LIST, KEYS_REVOKE, PEOPLE_ADD, PEOPLE_ALIAS, PEOPLE_LIST,
            BUDGETS_SET, BUDGETS_LIST, BUDGETS_REMOVE, TOKENS_CREATE, TOKENS_LIST, TOKENS_REVOKE, RECORD, REPORT, TOTALS, RECENT, ARRIVALS, STATUS_LINE,
            TOP, EXPORT, ACTIVITY, BLOCKS, RECONCILE, REPRICE, COMPARE, IMPORT_WRITE, IMPORT_OFFSETS, IMPORT_SAVE_OFFSETS,
            IMPORT_ANTHROPIC, IMPORT_AWS_COSTS, RECONCILE_AWS,
            PROJECTS_MAP, PROJECTS_SET, PROJECTS_LIST, PRUNE);

    private Ops() {}
}
