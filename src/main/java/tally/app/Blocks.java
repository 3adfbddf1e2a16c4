package tally.app;

import tally.core.Source;
import tally.identity.People;
import tally.report.SessionBlocks;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.UsageQuery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Usage in Claude's 5-hour windows (as 'ccusage blocks'), from a time on, optionally one developer's or one source's. */
public final class Blocks {
    /** {@code user}, {@code source} null for all; {@code now} decides which window is active. */
    public record Request(Instant from, String user, String source, Duration length, Instant now) {}

    private final Ledger ledger;
    private final People people;

    Blocks(Ledger ledger, People people) {
        this.ledger = ledger;
        this.people = people;
    }

    public List<SessionBlocks.Block> blocks(Request r) {
        Source wanted = r.source() == null ? null : Source.fromLabel(r.source());
        SessionBlocks blocks = new SessionBlocks(r.length(), r.now());
        Map<String, String> resolved = new HashMap<>();
        String user = r.user();
        try {
            ledger.scanMetered(UsageQuery.of(r.from(), Recent.FAR_FUTURE, Dimension.USER, ZoneOffset.UTC), e -> {
                if (wanted != null && !wanted.label().equals(e.source())) return;
                if (user != null && !user.equals(e.identity())
                        && !user.equals(resolved.computeIfAbsent(e.identity(), people::resolve))) return;
                blocks.add(e.time(), e.model(), e.tokens(), e.costNanos());
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the ledger: " + e.getMessage(), e);
        }
        return blocks.blocks();
    }
}
