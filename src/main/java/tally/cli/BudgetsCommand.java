package tally.cli;

import tally.app.BudgetAdmin;
import tally.app.Ops;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tally.core.Nanos;
import tally.budget.Budget;
import tally.budget.Budgets;
import tally.report.CostReportWriter;
import tally.report.TextTable;
import tally.store.Dimension;
import tally.store.UsageQuery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

@Command(name = "budgets", description = "Spending limits per person (or a default for each person), team, key, project,"
        + " cost center or organization,"
        + " counted over every source and enforced by the gateway.",
        footer = {"",
                "Spent is the ledger's total for the budget's scope and period over every source (gateway, Claude Code"
                        + " telemetry, Bedrock invocation logs, imported transcripts), each request counted once; 'list'"
                        + " shows it by source. So spend outside the gateway (Bedrock used directly, imported logs) also"
                        + " makes the gateway refuse once a hard limit is reached (seen at its next refresh). Admin API"
                        + " reports are organization totals kept for reconciliation and are not counted.",
                "",
                "--each-person sets a default for everyone (e.g. budgets set --each-person --daily 5); a person's own"
                        + " budget for the same period replaces it for them. --person ALIAS sets the budget for the person"
                        + " the alias belongs to.",
                "",
                "A hard dollar budget refuses (402) a request for a model the price catalog cannot price, whose cost it"
                        + " could not bound; serve --prices FILE adds the model. Message Batches are checked against it too.",
                "",
                "A hard budget holds whatever a request's usage turns out to be (files by id, images and PDFs by URL,"
                        + " server tools, cache reads). Before forwarding, the gateway reserves the most the request can"
                        + " cost: the model's whole context window at its dearest input price (200K tokens; 1M on 4.6+"
                        + " models and on Sonnet 4/4.5 with the context-1m beta, at the long-context premium) plus"
                        + " max_tokens of output, times 1 + the max_uses of its server tools, plus its web searches.",
                "",
                "Requests whose worst case fits in what is left run side by side; otherwise (or when a server tool"
                        + " has no max_uses) the budget admits one request at a time and settles it before the next. A hard"
                        + " budget answers 402 once the settled spend reaches its limit. So spend never exceeds a hard"
                        + " limit by more than one request's actual cost (per gateway process). Soft budgets never block."},
        subcommands = {BudgetsCommand.Set.class, BudgetsCommand.ListBudgets.class, BudgetsCommand.Remove.class})
final class BudgetsCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Whose {
        @Option(names = "--person", paramLabel = "NAME", description = "One person (a known person, alias or identity with records).") String person;
        @Option(names = "--team", paramLabel = "TEAM", description = "Everyone in a team.") String team;
        @Option(names = "--key", paramLabel = "KEY_ID", description = "A Tally key id (key_…) or a pass-through key fingerprint (fp_…).") String key;
        @Option(names = "--project", paramLabel = "PROJECT", description = "A project's spend (records whose project resolves"
                + " to it through 'tally projects map'), whoever spends it; the gateway enforces it on requests of that project.")
        String project;
        @Option(names = "--cost-center", paramLabel = "CC", description = "Every project of a cost center ('tally projects set').")
        String costCenter;
        @Option(names = "--org", description = "The whole organization.") boolean org;
        @Option(names = "--each-person", description = "A default for every person without a budget of their own for the same period.")
        boolean eachPerson;
    }

    static final class Amount {
        @Option(names = "--usd", paramLabel = "DOLLARS", description = "Limit in dollars, e.g. 100 or 2.50.") String usd;
        @Option(names = "--tokens", paramLabel = "N", description = "Limit in tokens (every token class).") Long tokens;
        @Option(names = "--daily", paramLabel = "DOLLARS", description = "Shorthand for --usd DOLLARS --period daily.") String daily;
        @Option(names = "--weekly", paramLabel = "DOLLARS", description = "Shorthand for --usd DOLLARS --period weekly.") String weekly;
        @Option(names = "--monthly", paramLabel = "DOLLARS", description = "Shorthand for --usd DOLLARS --period monthly.") String monthly;

        /** The period a shorthand names, else null. */
        Budget.Period shorthand() {
            return daily != null ? Budget.Period.DAILY : weekly != null ? Budget.Period.WEEKLY : monthly != null ? Budget.Period.MONTHLY : null;
        }

        /** The dollars given, by --usd or a shorthand; null for tokens. */
        String dollars() {
            return usd != null ? usd : daily != null ? daily : weekly != null ? weekly : monthly;
        }
    }

    @Command(name = "set", description = "Add or replace a budget. Hard budgets block (402), soft ones alert.")
    static final class Set implements Runnable {
        @Spec CommandSpec spec;
        @ArgGroup(exclusive = true, multiplicity = "1") Whose whose;
        @ArgGroup(exclusive = true, multiplicity = "1") Amount amount;
        @Option(names = "--period", description = "daily, weekly (from Monday) or monthly, in the configured zone (default monthly).")
        String period;
        @Option(names = "--soft", description = "Alert only (and apply keys' --downgrade-to) instead of blocking.") boolean soft;
        @Option(names = "--threshold", defaultValue = "100", paramLabel = "PCT", description = "For soft budgets: alert at this percentage (default 100).")
        int threshold;
        @Option(names = "--name", description = "Name (default scope:subject:period, e.g. person:alice:monthly).") String name;
        @Option(names = "--create", description = "With --person: add the person when nobody by that name is known yet "
                + "(otherwise a name with no person, alias or records is refused as a likely typo).") boolean create;

        @Override
        public void run() {
            Budget.Scope scope = whose.org ? Budget.Scope.ORG : whose.eachPerson ? Budget.Scope.EACH_PERSON
                    : whose.person != null ? Budget.Scope.PERSON : whose.team != null ? Budget.Scope.TEAM
                    : whose.project != null ? Budget.Scope.PROJECT : whose.costCenter != null ? Budget.Scope.COST_CENTER : Budget.Scope.KEY;
            String subject = whose.org || whose.eachPerson ? null : whose.person != null ? whose.person
                    : whose.team != null ? whose.team : whose.project != null ? whose.project
                    : whose.costCenter != null ? whose.costCenter : whose.key;
            Budget.Period p = period();
            String dollars = amount.dollars();
            Budget.Unit unit = dollars != null ? Budget.Unit.USD : Budget.Unit.TOKENS;
            long value;
            try {
                value = unit == Budget.Unit.USD ? Nanos.fromDollars(dollars.replace("$", "")) : amount.tokens;
            } catch (RuntimeException e) {
                throw new UserError("--" + (amount.usd != null ? "usd" : p.label()) + ": expected an amount of dollars such as 100 or 2.50; got '"
                        + dollars + "'");
            }
            String n = name != null ? name : scope.label() + (subject == null ? "" : ":" + subject) + ":" + p.label();
            Budget b = new Budget(n, scope, subject, p, unit, value, !soft, soft ? threshold : 100);
            GlobalOptions g = GlobalOptions.of(spec);
            try (Backend backend = Backend.open(g)) {
                BudgetAdmin.Saved saved = backend.call(Ops.BUDGETS_SET, new BudgetAdmin.Set(b, create, g.zone().getId()));
                if (saved.personAdded()) spec.commandLine().getOut().println("added person " + subject);
                spec.commandLine().getOut().println("saved " + saved.described());
            }
        }

        private Budget.Period period() {
            Budget.Period shorthand = amount.shorthand();
            if (shorthand != null && period != null) {
                throw new UserError("--period: --" + shorthand.label() + " already names the period; give one or the other");
            }
            if (shorthand != null) return shorthand;
            return period == null ? Budget.Period.MONTHLY : Budget.parsePeriod(period);
        }
    }

    @Command(name = "list", description = "List budgets with what is spent this period and when each resets.")
    static final class ListBudgets implements Runnable {
        @Spec CommandSpec spec;
        @Option(names = "--format", defaultValue = "table", description = "table or json (default table).") String format;

        @Override
        public void run() {
            GlobalOptions g = GlobalOptions.of(spec);
            try (Backend backend = Backend.openForReading(g)) {
                List<BudgetAdmin.Line> all = backend.call(Ops.BUDGETS_LIST, new BudgetAdmin.ListRequest(g.zone().getId()));
                if ("json".equalsIgnoreCase(format)) {
                    ArrayNode arr = JsonNodeFactory.instance.arrayNode();
                    for (BudgetAdmin.Line line : all) {
                        Budget b = line.budget();
                        long spent = line.spent();
                        var o = arr.addObject().put("name", b.name()).put("scope", b.scope().label()).put("subject", b.subject())
                                .put("period", b.period().label()).put("unit", b.unit().label())
                                .put("mode", b.hard() ? "hard" : "soft").put("threshold_pct", b.thresholdPct())
                                .put("resets", line.resets().toString());
                        var sources = JsonNodeFactory.instance.objectNode();
                        if (b.unit() == Budget.Unit.USD) {
                            o.put("limit_usd", Nanos.toDecimal(b.amount())).put("spent_usd", Nanos.toDecimal(spent));
                            line.bySource().forEach((source, v) -> sources.put(source, Nanos.toDecimal(v)));
                        } else {
                            o.put("limit_tokens", b.amount()).put("spent_tokens", spent);
                            line.bySource().forEach(sources::put);
                        }
                        o.set("spent_by_source", sources);
                    }
                    spec.commandLine().getOut().print(CostReportWriter.toJson(arr));
                } else if ("table".equalsIgnoreCase(format)) {
                    TextTable t = new TextTable("Budget", "For", "Period", "Mode", "Limit", "Spent", "Used", "By source", "Resets");
                    for (BudgetAdmin.Line line : all) {
                        Budget b = line.budget();
                        long spent = line.spent();
                        t.row(b.name(), b.who(), b.period().label(), b.hard() ? "hard" : "soft " + b.thresholdPct() + "%",
                                b.format(b.amount()), b.format(spent), b.percentUsed(spent) + "%", bySource(b, line),
                                line.resets().atZone(g.zone()).toOffsetDateTime().toString());
                    }
                    spec.commandLine().getOut().print(t.render());
                } else {
                    throw new UserError("--format: expected table or json; got '" + format + "'");
                }
            }
        }
    }

    /** "gateway $1.20, bedrock $3.40", or "-" when nothing is spent. */
    static String bySource(Budget b, BudgetAdmin.Line line) {
        if (line.bySource().isEmpty()) return "-";
        List<String> parts = new java.util.ArrayList<>();
        line.bySource().forEach((source, v) -> parts.add(source + " " + b.format(v)));
        return String.join(", ", parts);
    }

    @Command(name = "rm", description = "Remove a budget by name.")
    static final class Remove implements Runnable {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME", description = "The budget's name, as 'tally budgets list' shows it.") String name;

        @Override
        public void run() {
            try (Backend b = Backend.open(GlobalOptions.of(spec))) {
                if (!b.call(Ops.BUDGETS_REMOVE, new BudgetAdmin.Remove(name)).removed()) throw new UserError("no budget named '" + name + "'");
                spec.commandLine().getOut().println("removed " + name);
            }
        }
    }
}
