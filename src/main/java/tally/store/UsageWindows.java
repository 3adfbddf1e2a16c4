package tally.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The ledger's usage of a short window by identity and model: what metrics publishers send on. */
public final class UsageWindows {

    /** @param tokens every token class summed; costNanos the priced records' cost */
    public record Cell(String identity, String model, long requests, long tokens, long costNanos) {}

    private final Store store;

    public UsageWindows(Store store) {
        this.store = store;
    }

    /** Records with a time in [fromMs, toMs), by identity and model. */
    public List<Cell> between(long fromMs, long toMs) {
        List<Cell> out = new ArrayList<>();
        String sql = "SELECT identity, model, count(*), sum(input_tokens + cache_write_5m_tokens + cache_write_1h_tokens"
                + " + cache_read_tokens + output_tokens), coalesce(sum(cost_nanos), 0) FROM usage_events"
                + " WHERE ts_ms >= ? AND ts_ms < ? GROUP BY identity, model";
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, fromMs);
            ps.setLong(2, toMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Cell(rs.getString(1), rs.getString(2), rs.getLong(3), Sums.read(rs, 4, "tokens"), Sums.read(rs, 5, "cost in nano-dollars")));
                }
            }
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
        return out;
    }
}
