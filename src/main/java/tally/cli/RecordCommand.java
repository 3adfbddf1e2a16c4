package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tally.app.Ops;
import tally.app.Recording;
import tally.core.Nanos;
import tally.core.Bounds;
import tally.core.TokenCounts;

import java.io.PrintWriter;
import java.time.Instant;

@Command(name = "record", description = "Record one usage by hand.")
final class RecordCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--user", required = true, description = "Developer (a person's name or any raw identity).")
    String user;

    @Option(names = "--model", required = true, description = "Model id as any source reports it.")
    String model;

    @Option(names = "--input", required = true, description = "Uncached input tokens.")
    long input;

    @Option(names = "--output", required = true, description = "Output tokens.")
    long output;

    @Option(names = "--cache-read", description = "Cache read tokens.")
    long cacheRead;

    @Option(names = {"--cache-write", "--cache-write-5m"}, description = "Cache write tokens (5-minute TTL).")
    long cacheWrite;

    @Option(names = "--cache-write-1h", description = "Cache write tokens (1-hour TTL).")
    long cacheWrite1h;

    @Option(names = "--web-searches", description = "Billed web searches.")
    long webSearches;

    @Option(names = "--team", description = "Team tag for this record.")
    String team;

    @Option(names = "--batch", description = "Billed at the batch discount.")
    boolean batch;

    @Option(names = "--request-id", description = "Provider request id (req_…), so other sources do not count it again.")
    String requestId;

    @Option(names = "--at", paramLabel = "TIME", description = "When it happened (default: now).")
    String at;

    @Option(names = "--id", description = "Record id; recording the same id twice stores it once (default: new).")
    String id;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        inRange("--input", input);
        inRange("--output", output);
        inRange("--cache-read", cacheRead);
        inRange("--cache-write", cacheWrite);
        inRange("--cache-write-1h", cacheWrite1h);
        inRange("--web-searches", webSearches);
        if (user.isBlank()) throw new UserError("--user must not be empty");
        if (model.isBlank()) throw new UserError("--model must not be empty");
        PrintWriter out = spec.commandLine().getOut();
        Instant time = at == null ? Instant.now() : Times.parse("--at", at, g.zone());
        String when = Bounds.time(time, Instant.now());
        if (when != null) throw new UserError("--at: " + when);
        Recording.Request request = new Recording.Request(id, time, user, team, requestId, model,
                new TokenCounts(input, cacheWrite, cacheWrite1h, cacheRead, output), webSearches, batch);
        try (Backend b = Backend.openPricing(g, false)) {
            Recording.Recorded r = b.call(Ops.RECORD, request);
            if (r.already()) {
                out.println("already recorded " + r.id() + " (nothing added)");
                return;
            }
            String cost = r.costNanos() == null ? "unpriced (model not in the price catalog)"
                    : "$" + Nanos.toDecimal(r.costNanos());
            out.println("recorded " + r.id() + ": " + user + ", " + r.model() + ", " + cost);
        }
    }

    /** The ledger's per-record bound, in the command's words: {@code --input=-5 out of range [0, 1e10]}. */
    static void inRange(String flag, long v) {
        if (v < 0) throw new UserError(flag + " must not be negative (got " + v + ")");
        String why = Bounds.tokens(flag, v);
        if (why != null) throw new UserError(why);
    }
}
