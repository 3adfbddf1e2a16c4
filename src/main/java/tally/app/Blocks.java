package tally.app;

import tally.core.Source;
import tally.identity.People;
import tally.report.SessionBlocks;
import tally.store.Ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
        Fields.required("from", r.from());
        Fields.required("length", r.length());
        Fields.required("now", r.now());
        String source = r.source() == null ? null : Source.fromLabel(r.source()).label();
        SessionBlocks blocks = new SessionBlocks(r.length(), r.now());
        try {
            ledger.scanTimeline(r.from(), Recent.FAR_FUTURE, source, identitiesOf(r.user(), r.from(), source),
                    e -> blocks.add(e.tsMs(), e.model(), e.tokens(), e.costNanos()));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the ledger: " + e.getMessage(), e);
        }
        return blocks.blocks();
    }

    /**
     * The raw identities that count as {@code user} (null for everyone): the one spelled so, and every
     * one that resolves to that person. Resolved once per identity, so the scan filters in SQL.
     */
    private List<String> identitiesOf(String user, Instant from, String source) {
        if (user == null) return null;
        List<String> out = new ArrayList<>();
        for (String id : ledger.identities(from, Recent.FAR_FUTURE, source)) {
            if (user.equals(id) || user.equals(people.resolve(id))) out.add(id);
        }
        return out;
    }
}
