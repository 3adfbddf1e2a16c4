package tally.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.budget.Budget;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Each budget passing 50, 80, 90 and 100 percent (by default) of its limit in the current period, over every source;
 * a soft budget also at its own threshold ({@code budgets set --soft --threshold}), which is where its owner asked to hear.
 */
public record BudgetRule(Basics basics, List<Integer> percentages) implements AlertRule {
    public static final List<Integer> DEFAULT_PERCENTAGES = List.of(50, 80, 90, 100);
    private static final DateTimeFormatter RESET = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

    public BudgetRule {
        percentages = List.copyOf(percentages);
        if (percentages.isEmpty()) {
            throw new IllegalArgumentException("percentages: expected at least one, such as [50, 80, 90, 100] (an empty list would never warn)");
        }
        for (int p : percentages) {
            if (p < 1 || p > 1000) throw new IllegalArgumentException("percentages: expected 1 to 1000, got " + p);
        }
    }

    @Override
    public String kind() {
        return "budget";
    }

    /**
     * Each budget (each-person defaults once per person) at every percentage it has passed this
     * period. One group per budget and period: passing several marks at once announces only the
     * highest, and each mark fires once per period.
     */
    @Override
    public List<Breach> check(Readings r) {
        List<Breach> out = new ArrayList<>();
        if (r.budgets() == null) return out;
        for (Budget b : r.budgets().effective(r.now(), r.zone())) {
            long spent = r.budgets().spent(b, r.now(), r.zone());
            long pct = b.percentUsed(spent);
            String resets = RESET.format(b.period().end(r.now(), r.zone()).atZone(r.zone()));
            String group = "budget:" + b.name() + (b.scope() == Budget.Scope.EACH_PERSON ? ":" + b.subject() : "")
                    + ":" + b.period().start(r.now(), r.zone()).toEpochMilli();
            String who = "Budget '" + b.name() + "'" + (b.scope() == Budget.Scope.EACH_PERSON ? " for " + b.subject() : "");
            for (int p : marks(b)) {
                if (spent * 100 < b.amount() * p) continue;
                out.add(new Breach(group + ":" + p, who, p + "% of the " + b.period().label() + " budget",
                        b.format(spent), p + "% of " + b.format(b.amount()),
                        who + " (" + b.who() + ", " + (b.hard() ? "hard" : "soft") + ") is at " + pct + "%: "
                                + b.format(spent) + " of " + b.format(b.amount()) + " spent, past the " + p
                                + "% mark; it resets " + resets + ".", group));
            }
        }
        return out;
    }

    /** The rule's percentages, and a soft budget's own threshold among them, in order. */
    private List<Integer> marks(Budget b) {
        java.util.TreeSet<Integer> marks = new java.util.TreeSet<>(percentages);
        if (!b.hard()) marks.add(b.thresholdPct());
        return List.copyOf(marks);
    }

    /** A budget's marks clear when its period resets: not news. */
    @Override
    public boolean announcesResolution() {
        return false;
    }

    @Override
    public void writeFields(ObjectNode json) {
        percentages.forEach(json.putArray("percentages")::add);
    }
}
