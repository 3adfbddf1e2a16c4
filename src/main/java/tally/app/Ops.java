package tally.app;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import tally.gateway.VirtualKeys;
import tally.identity.Person;
import tally.store.TopRequest;
import tally.store.UsageRow;

import java.util.List;
import java.util.function.BiFunction;

/**
 * Every use-case call the REST API serves to the CLI (and any other admin client), by route:
 * {@code POST /api/<name>}, a typed JSON request in, a typed JSON result out.
 */
public final class Ops {
    /** For calls that take nothing. */
    public record None() {}

    private static final TypeFactory T = AppJson.MAPPER.getTypeFactory();

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
            op("people/list", None.class, T.constructCollectionType(List.class, Person.class), (a, q) -> a.people().list());
    public static final Op<BudgetAdmin.Set, BudgetAdmin.Saved> BUDGETS_SET =
            op("budgets/set", BudgetAdmin.Set.class, type(BudgetAdmin.Saved.class), (a, q) -> a.budgets().set(q));
    public static final Op<BudgetAdmin.ListRequest, List<BudgetAdmin.Line>> BUDGETS_LIST = op("budgets/list",
            BudgetAdmin.ListRequest.class, T.constructCollectionType(List.class, BudgetAdmin.Line.class), (a, q) -> a.budgets().list(q));
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
            T.constructCollectionType(List.class, TopRequest.class), (a, q) -> a.recent().list(q));
    public static final Op<StatusLine.Request, StatusLine.Line> STATUS_LINE =
            op("statusline/render", StatusLine.Request.class, type(StatusLine.Line.class), (a, q) -> a.statusLine().line(q));
    public static final Op<ProjectsAdmin.Map, ProjectsAdmin.Done> PROJECTS_MAP =
            op("projects/map", ProjectsAdmin.Map.class, type(ProjectsAdmin.Done.class), (a, q) -> a.projects().map(q));
    public static final Op<ProjectsAdmin.Set, ProjectsAdmin.Done> PROJECTS_SET =
            op("projects/set", ProjectsAdmin.Set.class, type(ProjectsAdmin.Done.class), (a, q) -> a.projects().set(q));
    public static final Op<None, ProjectsAdmin.Listing> PROJECTS_LIST =
            op("projects/list", None.class, type(ProjectsAdmin.Listing.class), (a, q) -> a.projects().list());

    public static final List<Op<?, ?>> ALL = List.of(KEYS_CREATE, KEYS_LIST, KEYS_REVOKE, PEOPLE_ADD, PEOPLE_ALIAS, PEOPLE_LIST,
            BUDGETS_SET, BUDGETS_LIST, BUDGETS_REMOVE, TOKENS_CREATE, RECORD, REPORT, TOTALS, RECENT, STATUS_LINE,
            PROJECTS_MAP, PROJECTS_SET, PROJECTS_LIST);

    private Ops() {}

    private static JavaType type(Class<?> c) {
        return T.constructType(c);
    }

    private static <Q, R> Op<Q, R> op(String name, Class<Q> request, JavaType result, BiFunction<App, Q, R> call) {
        return new Op<>(name, request, result, call);
    }
}
