package tally.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Nanos;
import tally.store.Dimension;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A person's day far above their own normal: today's cost over {@code factor} × the median of their
 * active days among the previous {@code days}. Days without usage are left out of the median (a
 * part-time user's median would otherwise be zero); fewer than {@code minDays} active days is too
 * little history to judge, and days under {@code minimum} are never worth a message.
 */
public record BaselineRule(Basics basics, BigDecimal factor, int days, int minDays, long minimum) implements AlertRule {

    public BaselineRule {
        if (factor.signum() <= 0) throw new IllegalArgumentException("factor: must be more than zero");
        if (days < 1 || minDays < 1) throw new IllegalArgumentException("days and minDays: must be at least 1");
    }

    @Override
    public String kind() {
        return "baseline";
    }

    @Override
    public List<Breach> check(Readings r) {
        LocalDate today = r.now().atZone(r.zone()).toLocalDate();
        Map<String, List<Long>> history = new HashMap<>();
        for (int i = 1; i <= days; i++) {
            for (UsageRow row : perPerson(r, today.minusDays(i))) {
                if (row.costNanos() > 0) history.computeIfAbsent(row.key(), k -> new ArrayList<>()).add(row.costNanos());
            }
        }
        List<Breach> out = new ArrayList<>();
        for (UsageRow row : perPerson(r, today)) {
            List<Long> past = history.getOrDefault(row.key(), List.of());
            if (past.size() < minDays || row.costNanos() < minimum) continue;
            long median = median(past);
            long limit = factor.multiply(BigDecimal.valueOf(median)).longValue();
            if (row.costNanos() <= limit) continue;
            String times = BigDecimal.valueOf(row.costNanos()).divide(BigDecimal.valueOf(median), 1, java.math.RoundingMode.HALF_UP)
                    .stripTrailingZeros().toPlainString();
            String f = factor.stripTrailingZeros().toPlainString();
            out.add(new Breach("person:" + row.key(), row.key(), "cost today against their " + days + "-day median",
                    Wording.dollars(row.costNanos()), f + "× " + Wording.dollars(median) + " = " + Wording.dollars(limit),
                    row.key() + " spent " + Wording.dollars(row.costNanos()) + " today, " + times + "× their " + days
                            + "-day median of " + Wording.dollars(median) + " (alert above " + f + "×)."));
        }
        return out;
    }

    private static List<UsageRow> perPerson(Readings r, LocalDate day) {
        Instant from = day.atStartOfDay(r.zone()).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(r.zone()).toInstant();
        return r.ledger().usage(UsageQuery.of(from, to, Dimension.USER, r.zone()));
    }

    static long median(List<Long> values) {
        List<Long> v = new ArrayList<>(values);
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    @Override
    public void writeFields(ObjectNode json) {
        json.put("factor", factor);
        json.put("days", days);
        json.put("minDays", minDays);
        json.put("minimum", Nanos.toDecimal(minimum));
    }
}
