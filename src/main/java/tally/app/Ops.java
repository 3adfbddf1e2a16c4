package tally.app;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import tally.gateway.VirtualKeys;
import tally.identity.Person;
import tally.importers.anthropic.Reconciliation;
import tally.report.ActivityReport;
import tally.report.SessionBlocks;
import tally.report.WhatIf;
import tally.store.ImportOffsets;
import tally.store.PruneResult;
import tally.store.TopRequest;
import tally.store.WriteResult;
import tally.store.UsageRow;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Every use-case call the REST API serves to the CLI (and any other admin client), by route:
 * {@code POST /api/<name>}, a typed JSON request in, a typed JSON result out.
 */
public final class Ops {
    /** For calls that take nothing. */
    public record None() {}

    public static final Op<Keys.Create, VirtualKeys.Issued> KEYS_CREATE =
            op("keys/create", Keys.Create.class, type(VirtualKeys.Issued.class), (a, q) -> a.keys().create(q));
    public static final Op<None, Keys.Listing> KEYS_LIST = op("keys/list", None.class, type(Keys.Listing.class), (a, q) -> a.keys().list());
    public static final Op<Keys.Revoke, Keys.Revoked> KEYS_REVOKE =
            op("keys/revoke", Keys.Revoke.class, type(Keys.Revoked.class), (a, q) -> a.keys().revoke(q));
    public static final Op<PeopleAdmin.Add, PeopleAdmin.Done> PEOPLE_ADD =
            op("people/add", PeopleAdmin.Add.class, type(PeopleAdmin.Done.class), (a, q) -> a.people().add(q));
    public static final Op<PeopleAdmin.Alias, PeopleAdmin.Done> PEOPLE_ALIAS =
            op("people/alias", PeopleAdmin.Alias.class, type(PeopleAdmin.Done.class), (a, q) -> a.people().alias(q));
    public static final Op<None, List<Person>> PEOPLE_LIST =
            op("people/list", None.class, t -> t.constructCollectionType(List.class, Person.class), (a, q) -> a.people().list());
    public static final Op<BudgetAdmin.Set, BudgetAdmin.Saved> BUDGETS_SET =
            op("budgets/set", BudgetAdmin.Set.class, type(BudgetAdmin.Saved.class), (a, q) -> a.budgets().set(q));
    public static final Op<BudgetAdmin.ListRequest, List<BudgetAdmin.Line>> BUDGETS_LIST = op("budgets/list",
            BudgetAdmin.ListRequest.class, t -> t.constructCollectionType(List.class, BudgetAdmin.Line.class), (a, q) -> a.budgets().list(q));
    public static final Op<BudgetAdmin.Remove, BudgetAdmin.Removed> BUDGETS_REMOVE =
            op("budgets/remove", BudgetAdmin.Remove.class, type(BudgetAdmin.Removed.class), (a, q) -> a.budgets().remove(q));
    public static final Op<Tokens.Create, Tokens.Created> TOKENS_CREATE =
            op("tokens/create", Tokens.Create.class, type(Tokens.Created.class), (a, q) -> a.tokens().create(q));
    public static final Op<Recording.Request, Recording.Recorded> RECORD =
            op("records/create", Recording.Request.class, type(Recording.Recorded.class), (a, q) -> a.recording().record(q));
    public static final Op<Reports.Request, Reports.Rendered> REPORT =
            op("reports/render", Reports.Request.class, type(Reports.Rendered.class), (a, q) -> a.reports().report(q));
    public static final Op<Totals.Request, UsageRow> TOTALS =
            op("totals/query", Totals.Request.class, type(UsageRow.class), (a, q) -> a.totals().totals(q));
    public static final Op<Recent.Request, List<TopRequest>> RECENT = op("records/recent", Recent.Request.class,
            t -> t.constructCollectionType(List.class, TopRequest.class), (a, q) -> a.recent().list(q));
    public static final Op<StatusLine.Request, StatusLine.Line> STATUS_LINE =
            op("statusline/render", StatusLine.Request.class, type(StatusLine.Line.class), (a, q) -> a.statusLine().line(q));
    public static final Op<ProjectsAdmin.Map, ProjectsAdmin.Done> PROJECTS_MAP =
            op("projects/map", ProjectsAdmin.Map.class, type(ProjectsAdmin.Done.class), (a, q) -> a.projects().map(q));
    public static final Op<ProjectsAdmin.Set, ProjectsAdmin.Done> PROJECTS_SET =
            op("projects/set", ProjectsAdmin.Set.class, type(ProjectsAdmin.Done.class), (a, q) -> a.projects().set(q));
    public static final Op<None, ProjectsAdmin.Listing> PROJECTS_LIST =
            op("projects/list", None.class, type(ProjectsAdmin.Listing.class), (a, q) -> a.projects().list());

    public static final Op<Top.Request, List<TopRequest>> TOP = op("reports/top", Top.Request.class,
            t -> t.constructCollectionType(List.class, TopRequest.class), (a, q) -> a.top().top(q));
    public static final Op<Export.Request, Export.Page> EXPORT =
            op("records/export", Export.Request.class, type(Export.Page.class), (a, q) -> a.export().page(q));
    public static final Op<Activity.Request, ActivityReport> ACTIVITY =
            op("reports/activity", Activity.Request.class, type(ActivityReport.class), (a, q) -> a.activity().report(q));
    public static final Op<Blocks.Request, List<SessionBlocks.Block>> BLOCKS = op("reports/blocks", Blocks.Request.class,
            t -> t.constructCollectionType(List.class, SessionBlocks.Block.class), (a, q) -> a.blocks().blocks(q));
    public static final Op<Reconcile.Request, Reconciliation> RECONCILE =
            op("reports/reconcile", Reconcile.Request.class, type(Reconciliation.class), (a, q) -> a.reconcile().month(q));
    public static final Op<Reprice.Request, Reprice.Repriced> REPRICE =
            op("records/reprice", Reprice.Request.class, type(Reprice.Repriced.class), (a, q) -> a.reprice().reprice(q));
    public static final Op<Compare.Request, WhatIf.Result> COMPARE =
            op("estimates/compare", Compare.Request.class, type(WhatIf.Result.class), (a, q) -> a.compare().price(q));
    public static final Op<Imports.Batch, WriteResult> IMPORT_WRITE =
            op("imports/write", Imports.Batch.class, type(WriteResult.class), (a, q) -> a.imports().write(q));
    public static final Op<Imports.OffsetsRequest, Map<String, ImportOffsets.Offset>> IMPORT_OFFSETS = op("imports/offsets",
            Imports.OffsetsRequest.class, t -> t.constructMapType(Map.class, String.class, ImportOffsets.Offset.class),
            (a, q) -> a.imports().offsets(q));
    public static final Op<Imports.SaveOffsets, Imports.Saved> IMPORT_SAVE_OFFSETS =
            op("imports/offsets/save", Imports.SaveOffsets.class, type(Imports.Saved.class), (a, q) -> a.imports().save(q));
    public static final Op<AnthropicImport.Request, AnthropicImport.Imported> IMPORT_ANTHROPIC = op("imports/anthropic",
            AnthropicImport.Request.class, type(AnthropicImport.Imported.class), (a, q) -> a.anthropic().run(q));
    public static final Op<Pruning.Request, PruneResult> PRUNE =
            op("records/prune", Pruning.Request.class, type(PruneResult.class), (a, q) -> a.pruning().prune(q));
    public static final Op<AwsCostsAdmin.Save, AwsCostsAdmin.Saved> IMPORT_AWS_COSTS = op("imports/aws-costs",
            AwsCostsAdmin.Save.class, type(AwsCostsAdmin.Saved.class), (a, q) -> a.awsCosts().save(q));
    public static final Op<Reconcile.Request, Reconciliation> RECONCILE_AWS =
            op("reports/reconcile-aws", Reconcile.Request.class, type(Reconciliation.class), (a, q) -> a.reconcile().aws(q));

    public static final List<Op<?, ?>> ALL = List.of(KEYS_CREATE, KEYS_LIST, KEYS_REVOKE, PEOPLE_ADD, PEOPLE_ALIAS, PEOPLE_LIST,
            BUDGETS_SET, BUDGETS_LIST, BUDGETS_REMOVE, TOKENS_CREATE, RECORD, REPORT, TOTALS, RECENT, STATUS_LINE,
            TOP, EXPORT, ACTIVITY, BLOCKS, RECONCILE, REPRICE, COMPARE, IMPORT_WRITE, IMPORT_OFFSETS, IMPORT_SAVE_OFFSETS,
            IMPORT_ANTHROPIC, IMPORT_AWS_COSTS, RECONCILE_AWS,
            PROJECTS_MAP, PROJECTS_SET, PROJECTS_LIST, PRUNE);

    private Ops() {}

    private static Function<TypeFactory, JavaType> type(Class<?> c) {
        return t -> t.constructType(c);
    }

    private static <Q, R> Op<Q, R> op(String name, Class<Q> request, Function<TypeFactory, JavaType> result,
                                      BiFunction<App, Q, R> call) {
        return new Op<>(name, request, result, call);
    }
}
