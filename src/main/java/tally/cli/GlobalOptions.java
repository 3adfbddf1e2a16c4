package tally.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;
import java.time.ZoneId;

/**
 * Options every subcommand accepts, before or after the subcommand name. Environment variables
 * fill what the command line leaves out.
 */
public final class GlobalOptions {

    @Option(names = "--data", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Embedded store directory (default: $TALLY_DATA or ./tally-data).")
    Path data;

    @Option(names = "--db", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "PostgreSQL store, postgresql://user:pass@host:port/db (default: $TALLY_DB).")
    String db;

    // checked as it is parsed, so a command that never asks the zone (import, prices) refuses a bad one too
    @Option(names = "--tz", scope = ScopeType.INHERIT, paramLabel = "ZONE", converter = ZoneName.class,
            description = "Time zone that cuts days and hours (default: $TALLY_TZ or the system zone).")
    String tz;

    @Option(names = "--prices", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Price file that overrides or adds models (default: $TALLY_PRICES).")
    Path prices;

    /** The store being opened on another thread for this invocation, or null (set by Main, not an option). */
    StoreAhead ahead;

    /** The options of the {@code tally} command a (sub)command runs under: the one accessor of the root. */
    static GlobalOptions of(picocli.CommandLine.Model.CommandSpec spec) {
        return ((Main) spec.root().userObject()).global;
    }

    public Path dataDir() {
        if (data != null) return data;
        String env = System.getenv("TALLY_DATA");
        return Path.of(env == null || env.isBlank() ? "tally-data" : env);
    }

    /** Whether the user chose where data goes (flag or environment), rather than taking the default. */
    public boolean dataChosen() {
        String env = System.getenv("TALLY_DATA");
        return data != null || (env != null && !env.isBlank()) || dbUrl() != null;
    }

    /** Sends data to a directory unless the user already chose a place; the demo keeps out of real data. */
    public void defaultDataTo(Path dir) {
        if (!dataChosen()) data = dir;
    }

    /** The PostgreSQL URL, or null for the embedded store. */
    public String dbUrl() {
        if (db != null && !db.isBlank()) return db;
        String env = System.getenv("TALLY_DB");
        return env == null || env.isBlank() ? null : env;
    }

    public ZoneId zone() {
        String z = tz != null ? tz : System.getenv("TALLY_TZ");
        if (z == null || z.isBlank()) return ZoneId.systemDefault();
        try {
            return usable(z);
        } catch (IllegalArgumentException e) {
            throw new UserError("--tz: " + e.getMessage());
        }
    }

    /** The zone a name gives, when Tally can cut days in it; else an IllegalArgumentException saying what is wrong. */
    static ZoneId usable(String z) {
        ZoneId zone;
        try {
            zone = ZoneId.of(z);
        } catch (Exception e) {
            throw new IllegalArgumentException("unknown time zone '" + z + "' (use an IANA name such as Europe/Berlin or UTC)");
        }
        String offset = tally.report.Zones.offsetProblem(zone);
        if (offset != null) throw new IllegalArgumentException(offset);
        return zone;
    }

    /** --tz's value, refused as it is parsed when it names no usable zone. */
    static final class ZoneName implements picocli.CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                usable(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
            return value;
        }
    }

    public Path pricesFile() {
        if (prices != null) return prices;
        String env = System.getenv("TALLY_PRICES");
        return env == null || env.isBlank() ? null : Path.of(env);
    }
}
