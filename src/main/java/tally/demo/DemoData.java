package tally.demo;

import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A realistic month for eight developers, shaped like Claude Code traffic: small uncached inputs,
 * large cache reads, some cache writes, mixed models, one heavy user, one weekend spike. Seeded per
 * day and developer, with ids derived from both, so running the demo twice adds nothing.
 */
public final class DemoData {
    private static final String OPUS = "claude-opus-4-5-20251101";
    private static final String SONNET = "claude-sonnet-4-5-20250929";
    private static final String HAIKU = "claude-haiku-4-5-20251001";

    private final ZoneId zone;
    private final Clock clock;
    private final int days;

    public DemoData(ZoneId zone, Clock clock, int days) {
        this.zone = zone;
        this.clock = clock;
        this.days = days;
    }

    /** Developer → team. */
    public Map<String, String> people() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 1; i <= 8; i++) m.put("dev" + i, i <= 4 ? "platform" : "product");
        return m;
    }

    public List<UsageEvent> events() {
        List<UsageEvent> out = new ArrayList<>();
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, zone);
        LocalDate spikeDay = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.SATURDAY));
        if (spikeDay.isAfter(today.minusDays(1))) spikeDay = spikeDay.minusWeeks(1);
        for (int d = days - 1; d >= 0; d--) {
            LocalDate day = today.minusDays(d);
            boolean weekend = day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
            for (int dev = 1; dev <= 8; dev++) {
                SplittableRandom rnd = new SplittableRandom(day.toEpochDay() * 31 + dev);
                int requests = weekend ? (rnd.nextInt(10) < 2 ? 5 + rnd.nextInt(20) : 0) : 30 + rnd.nextInt(60);
                if (dev == 3 && !weekend) requests *= 3; // the heavy user
                if (dev == 6 && day.equals(spikeDay)) requests = 600; // a weekend agent left running
                for (int n = 0; n < requests; n++) {
                    Instant at = workingTime(day, rnd, weekend);
                    if (at.isAfter(now)) continue;
                    out.add(request("demo-" + day + "-dev" + dev + "-" + n, at, "dev" + dev, model(dev, rnd), rnd));
                }
            }
        }
        return out;
    }

    private Instant workingTime(LocalDate day, SplittableRandom rnd, boolean weekend) {
        int hour = weekend ? rnd.nextInt(24) : 9 + rnd.nextInt(9) - (rnd.nextInt(10) == 0 ? 3 : 0);
        ZonedDateTime t = day.atStartOfDay(zone).plusHours(hour).plusMinutes(rnd.nextInt(60)).plusSeconds(rnd.nextInt(60));
        return t.toInstant();
    }

    private static String model(int dev, SplittableRandom rnd) {
        int r = rnd.nextInt(100);
        if (dev == 3) return r < 70 ? OPUS : SONNET;
        if (dev == 7) return r < 60 ? HAIKU : SONNET;
        return r < 15 ? OPUS : r < 80 ? SONNET : HAIKU;
    }

    private static UsageEvent request(String id, Instant at, String dev, String model, SplittableRandom rnd) {
        boolean firstOfTurn = rnd.nextInt(4) == 0;
        long input = 3 + rnd.nextInt(60);
        long cacheRead = firstOfTurn ? 0 : 12_000 + rnd.nextInt(90_000);
        long write = firstOfTurn ? 8_000 + rnd.nextInt(20_000) : rnd.nextInt(3_000);
        long write1h = rnd.nextInt(10) == 0 ? write : 0;
        long output = 40 + rnd.nextInt(rnd.nextInt(10) == 0 ? 6_000 : 900);
        return UsageEvent.builder()
                .id(id)
                .time(at)
                .source(Source.DEMO)
                .identity(dev)
                .sessionId(dev + "-" + at.toString().substring(0, 13))
                .requestId("req_demo_" + id.substring(5).replace("-", ""))
                .modelId(model)
                .tokens(new TokenCounts(input, write - write1h, write1h, cacheRead, output))
                .latencyMs(800L + rnd.nextInt(20_000))
                .build();
    }
}
