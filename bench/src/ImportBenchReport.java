import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what bench/run import measured (GNU time -v logs) and printed (ccusage daily --json, tally
 * report --by day --format json), prints the figures and ratios, and fails unless the totals match.
 *
 * Usage: ImportBenchReport CCUSAGE_JSON TALLY_JSON CCUSAGE_TIME COLD_IMPORT_TIME COLD_REPORT_TIME INC_IMPORT_TIME INC_REPORT_TIME
 *        TALLY_INCREMENTAL_JSON
 */
public final class ImportBenchReport {
    record Run(double seconds, long maxRssKb) {}

    public static void main(String[] a) throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode cc = json.readTree(Path.of(a[0]).toFile()).get("totals");
        JsonNode ours = json.readTree(Path.of(a[1]).toFile()).get("total");
        Run ccusage = run(a[2]);
        Run coldImport = run(a[3]), coldReport = run(a[4]), incImport = run(a[5]), incReport = run(a[6]);
        double cold = coldImport.seconds + coldReport.seconds;
        long coldRss = Math.max(coldImport.maxRssKb, coldReport.maxRssKb);
        double inc = incImport.seconds + incReport.seconds;
        System.out.printf("%-44s %9s %12s%n", "", "wall (s)", "peak RSS (MB)");
        System.out.printf("%-44s %9.2f %12.0f%n", "ccusage@20.0.24 daily --json --offline", ccusage.seconds, ccusage.maxRssKb / 1024.0);
        System.out.printf("%-44s %9.2f %12.0f%n", "tally import claude-code (cold)", coldImport.seconds, coldImport.maxRssKb / 1024.0);
        System.out.printf("%-44s %9.2f %12.0f%n", "tally report --by day", coldReport.seconds, coldReport.maxRssKb / 1024.0);
        System.out.printf("%-44s %9.2f %12.0f%n", "tally import claude-code (incremental)", incImport.seconds, incImport.maxRssKb / 1024.0);
        System.out.printf("%-44s %9.2f %12.0f%n", "tally report --by day (after incremental)", incReport.seconds, incReport.maxRssKb / 1024.0);
        System.out.printf("cold import + report: %.2fx ccusage's speed, %.2fx its peak memory%n", ccusage.seconds / cold, (double) coldRss / ccusage.maxRssKb);
        System.out.printf("incremental import with nothing new: %.2f s (+ report %.2f s)%n", incImport.seconds, incReport.seconds);
        JsonNode after = json.readTree(Path.of(a[7]).toFile());
        JsonNode before = json.readTree(Path.of(a[1]).toFile());
        boolean same = after.get("rows").equals(before.get("rows")) && after.get("total").equals(before.get("total"));
        System.out.println(same ? "the incremental run left the daily report unchanged" : "THE INCREMENTAL RUN CHANGED THE REPORT");
        same &= check("input", cc.get("inputTokens").asLong(), ours.get("input_tokens").asLong());
        same &= check("output", cc.get("outputTokens").asLong(), ours.get("output_tokens").asLong());
        same &= check("cache creation", cc.get("cacheCreationTokens").asLong(), ours.get("cache_write_tokens").asLong());
        same &= check("cache read", cc.get("cacheReadTokens").asLong(), ours.get("cache_read_tokens").asLong());
        BigDecimal ccCost = cc.get("totalCost").decimalValue();
        BigDecimal ourCost = new BigDecimal(ours.get("cost_usd").asText());
        // ccusage sums doubles; Tally sums nano-dollars exactly: equal to a millionth of a dollar
        boolean costOk = ccCost.subtract(ourCost).abs().compareTo(new BigDecimal("0.000001")) <= 0;
        System.out.printf("%-16s ccusage %s  tally %s  %s%n", "cost (USD)", ccCost.toPlainString(), ourCost.toPlainString(), costOk ? "same" : "DIFFERENT");
        if (!(same && costOk)) {
            System.out.println("TOTALS DIFFER");
            System.exit(1);
        }
        System.out.println("totals identical");
    }

    static boolean check(String what, long cc, long ours) {
        System.out.printf("%-16s ccusage %,d  tally %,d  %s%n", what, cc, ours, cc == ours ? "same" : "DIFFERENT");
        return cc == ours;
    }

    static Run run(String timeLog) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(timeLog));
        double secs = 0;
        long rss = 0;
        Pattern wall = Pattern.compile("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (.*)");
        for (String l : lines) {
            Matcher m = wall.matcher(l.trim());
            if (m.matches()) {
                String[] p = m.group(1).split(":");
                secs = 0;
                for (String part : p) secs = secs * 60 + Double.parseDouble(part);
            }
            if (l.trim().startsWith("Maximum resident set size (kbytes):")) rss = Long.parseLong(l.trim().replaceAll("\\D+", ""));
        }
        return new Run(secs, rss);
    }
}
