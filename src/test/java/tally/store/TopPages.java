package tally.store;

import tally.core.UsageEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The most-expensive pages as a test reads them: the order they promise, and a walk through every page. */
final class TopPages {
    private TopPages() {}

    /** Cost descending with unpriced records last, newest first, then id: the order of {@link TopRequests}. */
    static final Comparator<UsageEvent> ORDER = Comparator
            .comparing((UsageEvent e) -> e.costNanos() == null ? Long.MIN_VALUE : e.costNanos(), Comparator.reverseOrder())
            .thenComparing(UsageEvent::time, Comparator.reverseOrder())
            .thenComparing(UsageEvent::id);

    /** The ids of every page of q, {@code limit} at a time, from the first to the last; no page is longer than limit. */
    static List<String> walk(TopRequests top, UsageQuery q, int limit) {
        List<String> walked = new ArrayList<>();
        TopRequests.Cursor after = null;
        do {
            TopRequests.Page page = top.page(q, after, limit);
            assertThat(page.rows().size()).isLessThanOrEqualTo(limit);
            page.rows().forEach(row -> walked.add(row.request().id()));
            after = page.next();
        } while (after != null);
        return walked;
    }
}
