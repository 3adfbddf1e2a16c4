package tally.store;

import tally.core.TokenCounts;
import tally.store.UsageSeries.Point;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A series split by person summed in Java: rollup rows are added up per piece of the range (cut at
 * offset changes), local period and raw identity, then each identity's sums go to its person. The
 * database then only reads rows; grouping them with ten 128-bit sums and resolving every row's
 * person through four alias joins was most of a month's split by person (profiled). Every addition
 * is exact: one that passes a long makes {@link #add} or {@link #points} answer false or null, for
 * the caller to sum in SQL instead, which refuses only a final sum beyond a long.
 */
final class PersonSums {
    /** The sums of a row, in the order of {@link Rollups#SUMS}. */
    static final int SUMS = 10;
    private static final int REQUESTS = 0;

    private final Map<Key, long[]> byIdentity = new HashMap<>();

    /** A piece of the range, a local period (local time as epoch ms) and who: an identity, or a person. */
    private record Key(int piece, long period, String who) {
        @Override
        public int hashCode() { // spread: 31 * period + "devN" collides across periods and people
            return (Long.hashCode(period) * 0x9E3779B1 + piece) ^ who.hashCode();
        }
    }

    /** Adds one rollup row's sums; false when a sum passes a long. */
    boolean add(int piece, long period, String identity, long[] sums) {
        long[] to = byIdentity.computeIfAbsent(new Key(piece, period, identity), k -> new long[SUMS]);
        return addTo(to, sums);
    }

    /** The identities read: each to be resolved to its person. */
    Set<String> identities() {
        Set<String> out = new HashSet<>();
        for (Key k : byIdentity.keySet()) out.add(k.who());
        return out;
    }

    /**
     * The points per local period and person: each piece's sums per person, those without requests
     * left out (as the SQL's HAVING does per piece), then a period cut by an offset change added up
     * across its pieces. Null when a sum passes a long.
     */
    List<Point> points(Map<String, String> personOf) {
        Map<Key, long[]> perPiece = new HashMap<>();
        for (Map.Entry<Key, long[]> e : byIdentity.entrySet()) {
            Key k = e.getKey();
            long[] to = perPiece.computeIfAbsent(new Key(k.piece(), k.period(), personOf.get(k.who())), x -> new long[SUMS]);
            if (!addTo(to, e.getValue())) return null;
        }
        Map<Key, long[]> merged = new HashMap<>();
        for (Map.Entry<Key, long[]> e : perPiece.entrySet()) {
            if (e.getValue()[REQUESTS] == 0) continue;
            Key k = e.getKey();
            long[] to = merged.computeIfAbsent(new Key(0, k.period(), k.who()), x -> new long[SUMS]);
            if (!addTo(to, e.getValue())) return null;
        }
        List<Point> out = new ArrayList<>(merged.size());
        for (Map.Entry<Key, long[]> e : merged.entrySet()) {
            long[] v = e.getValue();
            String person = e.getKey().who();
            out.add(new Point(LocalDateTime.ofEpochSecond(Math.floorDiv(e.getKey().period(), 1000), 0, ZoneOffset.UTC), person,
                    new UsageRow(person, v[0], v[1], new TokenCounts(v[2], v[3], v[4], v[5], v[6]), v[7], v[8], v[9])));
        }
        return out;
    }

    private static boolean addTo(long[] to, long[] sums) {
        try {
            for (int i = 0; i < SUMS; i++) to[i] = Math.addExact(to[i], sums[i]);
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }
}
