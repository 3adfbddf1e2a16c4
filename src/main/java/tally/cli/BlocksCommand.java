package tally.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.app.Blocks;
import tally.app.Ops;
import tally.core.Figures;
import tally.core.Nanos;
import tally.core.Source;
import tally.report.CostReportWriter;
import tally.report.ReportFormat;
import tally.report.ReportRange;
import tally.report.SessionBlocks;
import tally.report.TextTable;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

@Command(name = "blocks", description = "Usage in Claude's 5-hour windows, with the active window's burn rate and projection "
        + "(as 'ccusage blocks').")
final class BlocksCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--user", description = "Only this developer (a person, or a raw identity).")
    String user;

    @Option(names = "--source", description = "Only records from this source (e.g. transcript).")
    String source;

    @Option(names = "--since", paramLabel = "DATE", description = "From this day (default: every record).")
    String since;

    @Option(names = "--session-length", paramLabel = "HOURS", defaultValue = "5", description = "Window length in hours (default 5).")
    double sessionHours;

    @Option(names = "--active", description = "Only the active window.")
    boolean activeOnly;

    @Mixin TableOrJsonOption format;

    @Option(names = "--now", hidden = true, description = "The current time, for reproducible output.")
    String now;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        ReportFormat fmt = format.parse();
        if (!(sessionHours > 0 && sessionHours <= 24 * 7)) throw new UserError("--session-length: expected hours between 0 and 168");
        Source only = null;
        if (source != null) {
            try {
                only = Source.fromLabel(source);
            } catch (IllegalArgumentException e) {
                throw new UserError("--source: " + e.getMessage());
            }
        }
        Clock clock = Clock.systemUTC();
        Instant at = now == null ? clock.instant() : Times.parse("--now", now, g.zone());
        Instant from = since == null ? Instant.EPOCH : ReportRange.day("--since", since, g.zone()).start();
        Duration length = Duration.ofMillis((long) (sessionHours * 3_600_000));
        try (Backend b = Backend.openForReading(g)) {
            List<SessionBlocks.Block> list = b.call(Ops.BLOCKS,
                    new Blocks.Request(from, user, only == null ? null : only.label(), length, at));
            if (activeOnly) list = list.stream().filter(SessionBlocks.Block::active).toList();
            spec.commandLine().getOut().print(fmt == ReportFormat.JSON ? json(list) : table(list));
        }
    }

    static String table(List<SessionBlocks.Block> blocks) {
        TextTable t = new TextTable("Block start", "Status", "Requests", "Total tokens", "Cost (USD)", "Burn / hour", "Projected");
        for (SessionBlocks.Block b : blocks) {
            if (b.gap()) {
                t.row(b.start().toString(), "gap", "", "", "", "", "");
                continue;
            }
            t.row(b.start().toString(), b.active() ? "ACTIVE" : "", Figures.grouped(b.entries()), Figures.grouped(b.totalTokens()),
                    Nanos.toDollars(b.costNanos()),
                    b.burnRate() == null ? "" : "$" + Figures.twoDecimals(b.burnRate().costPerHour()),
                    b.projection() == null ? "" : "$" + b.projection().totalCost() + " (" + b.projection().remainingMinutes() + " min left)");
        }
        return t.render() + (blocks.isEmpty() ? "(no usage)\n" : "");
    }

    /** The shape of {@code ccusage blocks --json}, so tools that read one read the other. */
    static String json(List<SessionBlocks.Block> blocks) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        ArrayNode arr = root.putArray("blocks");
        for (SessionBlocks.Block b : blocks) {
            ObjectNode o = arr.addObject();
            o.put("id", b.id());
            o.put("startTime", b.start().toString());
            o.put("endTime", b.end().toString());
            if (b.actualEnd() == null) o.putNull("actualEndTime"); else o.put("actualEndTime", b.actualEnd().toString());
            o.put("isActive", b.active());
            o.put("isGap", b.gap());
            o.put("entries", b.entries());
            ObjectNode tc = o.putObject("tokenCounts");
            tc.put("inputTokens", b.tokens().input());
            tc.put("outputTokens", b.tokens().output());
            tc.put("cacheCreationInputTokens", b.tokens().cacheWrite());
            tc.put("cacheReadInputTokens", b.tokens().cacheRead());
            o.put("totalTokens", b.totalTokens());
            o.put("costUSD", BigDecimal.valueOf(b.costNanos(), 9).stripTrailingZeros());
            ArrayNode models = o.putArray("models");
            b.models().forEach(models::add);
            if (b.burnRate() == null) o.putNull("burnRate");
            else o.putObject("burnRate").put("tokensPerMinute", b.burnRate().tokensPerMinute())
                    .put("tokensPerMinuteForIndicator", b.burnRate().tokensPerMinuteForIndicator())
                    .put("costPerHour", b.burnRate().costPerHour());
            if (b.projection() == null) o.putNull("projection");
            else o.putObject("projection").put("totalTokens", b.projection().totalTokens())
                    .put("totalCost", b.projection().totalCost()).put("remainingMinutes", b.projection().remainingMinutes());
        }
        return CostReportWriter.toJson(root);
    }
}
