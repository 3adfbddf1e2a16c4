import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what bench/run import measured (GNU time -v logs, one per run and round) and printed (ccusage
 * daily --json, tally report --by day --format json), prints each round's figures, their medians and
 * the ratios, and fails unless the totals match.
 *
 * Usage: ImportBenchReport WORK_DIR ROUNDS, where WORK_DIR holds ccusage.json, tally.json, tally-inc.json
 * and, for each round R, ccusage.R.time, cold-import.R.time, cold-report.R.time, inc-import.R.time and
 * inc-report.R.time.
 */
public final class ImportBenchReport {
    record Run(double seconds, long maxRssKb) {}

    /** One round: ccusage, then Tally's cold import and its report, back to back. */
    record Round(Run ccusage, Run coldImport, Run coldReport) {
        double cold() {
            return coldImport.seconds + coldReport.seconds;
        }

        long coldRssKb() {
            return Math.max(coldImport.maxRssKb, coldReport.maxRssKb);
        }

        double speed() {
            return ccusage.seconds / cold();
        }

        double memory() {
            return (double) coldRssKb() / ccusage.maxRssKb;
        }
    }

    public static void main(String[] a) throws Exception {
        Path work = Path.of(a[0]);
        int rounds = Integer.parseInt(a[1]);
        List<Round> cold = new ArrayList<>();
        List<Run> incImport = new ArrayList<>(), incReport = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            cold.add(new Round(run(work, "ccusage", r), run(work, "cold-import", r), run(work, "cold-report", r)));
            incImport.add(run(work, "inc-import", r));
            incReport.add(run(work, "inc-report", r));
        }
        printRounds(cold);
        double speed = median(cold, Round::speed);
        double memory = median(cold, Round::memory);
        System.out.printf("cold import + report: %.2fx ccusage's speed, %.2fx its peak memory (medians of %d rounds;"
                        + " speed %.2f-%.2fx, memory %.2f-%.2fx)%n", speed, memory, rounds,
                min(cold, Round::speed), max(cold, Round::speed), min(cold, Round::memory), max(cold, Round::memory));
        System.out.printf("incremental import with nothing new: %.2f s (+ report %.2f s; medians of %d runs, import %.2f-%.2f s)%n",
                median(incImport, Run::seconds), median(incReport, Run::seconds), rounds,
                min(incImport, Run::seconds), max(incImport, Run::seconds));
        printFloor(work, median(cold, r -> r.ccusage.seconds));
        if (!totalsMatch(work)) {
            System.out.println("TOTALS DIFFER");
            System.exit(1);
        }
        System.out.println("totals identical");
    }

    /** The store's floor (ImportFloor), against the time five times ccusage's speed leaves. */
    private static void printFloor(Path work, double ccusageSeconds) throws Exception {
        Path floor = work.resolve("floor.txt");
        if (!Files.exists(floor)) return;
        String[] f = Files.readString(floor).trim().split(" ");
        double seconds = Double.parseDouble(f[0]);
        System.out.printf("the store's floor: DuckDB alone copying the %,d records kept into an empty ledger (one statement: no Java"
                + " per record, no dedupe, no rollups) took %.2f s; five times ccusage's speed leaves %.2f s for everything"
                + " (the floor is %.0f%% of it)%n",
                Long.parseLong(f[1]), seconds, ccusageSeconds / 5, 100 * seconds / (ccusageSeconds / 5));
    }

    private static void printRounds(List<Round> rounds) {
        System.out.printf("%-7s %14s %14s %14s %9s %9s%n", "round", "ccusage s/MB", "import s/MB", "report s/MB",
                "speed", "memory");
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            System.out.printf("%-7d %7.2f %6.0f %7.2f %6.0f %7.2f %6.0f %8.2fx %8.2fx%n", i + 1,
                    r.ccusage.seconds, r.ccusage.maxRssKb / 1024.0, r.coldImport.seconds, r.coldImport.maxRssKb / 1024.0,
                    r.coldReport.seconds, r.coldReport.maxRssKb / 1024.0, r.speed(), r.memory());
        }
        System.out.printf("%-7s %7.2f %6.0f %7.2f %6.0f %7.2f %6.0f%n", "median",
                median(rounds, r -> r.ccusage.seconds), median(rounds, r -> r.ccusage.maxRssKb / 1024.0),
                median(rounds, r -> r.coldImport.seconds), median(rounds, r -> r.coldImport.maxRssKb / 1024.0),
                median(rounds, r -> r.coldReport.seconds), median(rounds, r -> r.coldReport.maxRssKb / 1024.0));
    }

    /** ccusage's totals against the last cold import's report, and the report after the incremental runs against it. */
    private static boolean totalsMatch(Path work) throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode cc = json.readTree(work.resolve("ccusage.json").toFile()).get("totals");
        JsonNode before = json.readTree(work.resolve("tally.json").toFile());
        JsonNode after = json.readTree(work.resolve("tally-inc.json").toFile());
        JsonNode ours = before.get("total");
        boolean same = after.get("rows").equals(before.get("rows")) && after.get("total").equals(before.get("total"));
        System.out.println(same ? "the incremental runs left the daily report unchanged" : "THE INCREMENTAL RUNS CHANGED THE REPORT");
        same &= check("input", cc.get("inputTokens").asLong(), ours.get("input_tokens").asLong());
        same &= check("output", cc.get("outputTokens").asLong(), ours.get("output_tokens").asLong());
        same &= check("cache creation", cc.get("cacheCreationTokens").asLong(), ours.get("cache_write_tokens").asLong());
        same &= check("cache read", cc.get("cacheReadTokens").asLong(), ours.get("cache_read_tokens").asLong());
        BigDecimal ccCost = cc.get("totalCost").decimalValue();
        BigDecimal ourCost = new BigDecimal(ours.get("cost_usd").asText());
        // ccusage sums doubles; Tally sums nano-dollars exactly: equal to a millionth of a dollar
        boolean costOk = ccCost.subtract(ourCost).abs().compareTo(new BigDecimal("0.000001")) <= 0;
        System.out.printf("%-16s ccusage %s  tally %s  %s%n", "cost (USD)", ccCost.toPlainString(), ourCost.toPlainString(),
                costOk ? "same" : "DIFFERENT");
        return same && costOk;
    }

    static boolean check(String what, long cc, long ours) {
        System.out.printf("%-16s ccusage %,d  tally %,d  %s%n", what, cc, ours, cc == ours ? "same" : "DIFFERENT");
        return cc == ours;
    }

    static <T> double median(List<T> xs, ToDoubleFunction<T> f) {
        double[] v = xs.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static <T> double min(List<T> xs, ToDoubleFunction<T> f) {
        return xs.stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    static <T> double max(List<T> xs, ToDoubleFunction<T> f) {
        return xs.stream().mapToDouble(f).max().orElse(Double.NaN);
    }

    static Run run(Path work, String what, int round) throws Exception {
        List<String> lines = Files.readAllLines(work.resolve(what + "." + round + ".time"));
        double secs = 0;
        long rss = 0;
        Pattern wall = Pattern.compile("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (.*)");
        for (String l : lines) {
            Matcher m = wall.matcher(l.trim());
            if (m.matches()) {
                secs = Arrays.stream(m.group(1).split(":")).mapToDouble(Double::parseDouble).reduce(0, (s, p) -> s * 60 + p);
            }
            if (l.trim().startsWith("Maximum resident set size (kbytes):")) rss = Long.parseLong(l.trim().replaceAll("\\D+", ""));
        }
        return new Run(secs, rss);
    }
}
