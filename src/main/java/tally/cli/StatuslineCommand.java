package tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.app.Ops;
import tally.app.StatusLine;
import tally.core.Beside;
import tally.core.JsonTree;
import tally.core.Nanos;

import java.io.InputStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * {@code tally statusline}: one line for Claude Code's {@code statusLine} setting. It reads the status
 * JSON Claude Code writes on stdin, and prints this session's cost from the ledger (else Claude Code's
 * own estimate, marked as such), the user's spend today and the budget nearest its limit. It never
 * fails the prompt: whatever goes wrong, it prints a short line and exits 0.
 */
@Command(name = "statusline", description = "One line for Claude Code's statusLine setting: this session's cost, "
        + "today's spend and the nearest budget. Reads Claude Code's status JSON on stdin; never fails.")
final class StatuslineCommand implements Runnable {
    /** Past this, the line is printed from what stdin said, without the ledger. */
    static final Duration DEADLINE = Duration.ofMillis(1500);
    private static final int MAX_STDIN = 1 << 20;

    @Spec CommandSpec spec;

    @Option(names = "--user", paramLabel = "PERSON",
            description = "Whose spend today and budgets to show (default: $TALLY_USER, else the login name).")
    String user;

    @Option(names = "--session-id", paramLabel = "ID", description = "The Claude Code session to price (default: session_id from stdin).")
    String sessionId;

    @Option(names = "--claude-cost", paramLabel = "USD",
            description = "Claude Code's own estimate of the session's cost, shown when the ledger has none (default: cost.total_cost_usd from stdin).")
    String claudeCost;

    @Option(names = "--model", paramLabel = "NAME", description = "The model name to show first (default: model.display_name from stdin).")
    String model;

    @Option(names = "--no-stdin", description = "Do not read Claude Code's status JSON from stdin; use the options alone.")
    boolean noStdin;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        String line;
        try {
            if (!noStdin && System.console() == null) readStatus(System.in);
            line = withDeadline();
        } catch (Throwable e) { // never fail the prompt
            line = fallback();
        }
        out.println(line);
        out.flush();
    }

    /** Fills what the options left open from Claude Code's status JSON; anything unreadable is ignored. */
    void readStatus(InputStream in) {
        try {
            JsonNode n = JsonTree.read(in.readNBytes(MAX_STDIN));
            if (n == null) return;
            if (sessionId == null && n.path("session_id").isTextual()) sessionId = n.path("session_id").asText();
            if (model == null) {
                JsonNode m = n.path("model");
                String name = m.isTextual() ? m.asText() : m.path("display_name").asText(m.path("id").asText(null));
                if (name != null && !name.isBlank()) model = name;
            }
            JsonNode cost = n.path("cost").path("total_cost_usd");
            if (claudeCost == null && (cost.isNumber() || cost.isTextual())) claudeCost = cost.asText();
        } catch (Exception ignored) {
            // lenient: a status line with nothing from stdin is still a status line
        }
    }

    private String withDeadline() {
        GlobalOptions g = GlobalOptions.of(spec);
        try {
            return Beside.start("tally-statusline", () -> compute(g)).join(DEADLINE); // a hung store keeps no process alive
        } catch (RuntimeException e) {
            return fallback();
        }
    }

    private String compute(GlobalOptions g) {
        try (Backend b = Backend.openForReading(g)) {
            return b.call(Ops.STATUS_LINE, new StatusLine.Request(who(), sessionId, model, estimate(), g.zone().getId())).text();
        }
    }

    private String who() {
        if (user != null && !user.isBlank()) return user.trim();
        String env = System.getenv("TALLY_USER");
        if (env != null && !env.isBlank()) return env.trim();
        return System.getProperty("user.name", "unknown");
    }

    /** Claude Code's estimate in nano-dollars, or null when it gave none (or nothing readable). */
    private Long estimate() {
        if (claudeCost == null) return null;
        try {
            BigDecimal d = new BigDecimal(claudeCost.trim());
            if (d.signum() < 0) return null;
            return d.setScale(9, RoundingMode.HALF_UP).movePointRight(9).longValueExact();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What is printed when the ledger cannot be read in time: what stdin said, and that Tally is not answering. */
    private String fallback() {
        Long est = estimate();
        String prefix = model == null ? "" : "[" + model + "] ";
        return prefix + (est == null ? "" : "session ~" + Nanos.toDollarsReadable(est) + " (Claude Code's estimate) | ")
                + "tally: no data";
    }
}
