package tally.store;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sum the store refused because it would pass a long: each rollup cell (a 15-minute, hourly or
 * daily sum of one key) is a 64-bit integer, as the ledger's counts are. Only records with absurd
 * counts or costs get there (a day of one developer's usage past 9.2 billion billion nano-dollars);
 * the write is refused whole, as the database refused it, and said so in words, not in SQL.
 */
final class Overflow {
    private Overflow() {}

    // DuckDB: "Conversion Error: Failed to cast decimal value 98175… to type INT64" or "Overflow in addition of INT64 …"
    private static final Pattern DUCKDB = Pattern.compile("(?:value (-?\\d+) to type INT64|Overflow in \\w+ of INT64)");
    private static final String PG_OUT_OF_RANGE = "22003"; // numeric_value_out_of_range: "bigint out of range"

    /** One line saying what was refused, or null when the failure is not an overflow. */
    static String explain(SQLException e) {
        String message = PostgresDialect.rootMessage(e);
        Matcher m = DUCKDB.matcher(message);
        boolean duck = m.find();
        if (!duck && !PG_OUT_OF_RANGE.equals(e.getSQLState())) return null;
        String value = duck && m.group(1) != null ? " (" + m.group(1) + ")" : "";
        return "a sum of these records would pass a 64-bit count" + value
                + ": the store keeps each 15-minute, hourly and daily total of a developer and model in one;"
                + " records with absurd token counts or costs were refused, nothing of them stored";
    }
}
