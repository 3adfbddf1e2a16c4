package tally.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;

/** Which store to open: the embedded DuckDB file in a data directory, or a PostgreSQL URL. */
public record StoreConfig(Path dataDir, String postgresUrl) {

    public static StoreConfig embedded(Path dataDir) {
        return new StoreConfig(dataDir, null);
    }

    public static StoreConfig postgres(Path dataDir, String url) {
        return new StoreConfig(dataDir, url);
    }

    public boolean isPostgres() {
        return postgresUrl != null;
    }

    /** Where records wait on disk until the store has them; beside the data, whatever the store. */
    public Path spoolDir() {
        return dataDir.resolve("spool");
    }

    /** A readable name for messages, without the password. */
    public String describe() {
        if (!isPostgres()) return "embedded store " + dataDir.resolve("tally.duckdb");
        Jdbc j = jdbc();
        return "PostgreSQL at " + j.url.replaceFirst("^jdbc:postgresql://", "");
    }

    /** postgresql://user:pass@host:port/db?opts (also postgres:// and jdbc:postgresql://) as JDBC. */
    public Jdbc jdbc() {
        String url = postgresUrl.trim();
        if (url.startsWith("jdbc:")) url = url.substring(5);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new StoreException("--db: not a URL: " + postgresUrl);
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("postgresql") || scheme.equals("postgres"))) {
            throw new StoreException("--db: expected postgresql://user:pass@host:port/db, got '" + redact(postgresUrl) + "'");
        }
        if (uri.getHost() == null) throw new StoreException("--db: no host in '" + redact(postgresUrl) + "'");
        Properties props = new Properties();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            props.setProperty("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) props.setProperty("password", decode(userInfo.substring(colon + 1)));
        }
        String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "/" + db
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new Jdbc(jdbc, props);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String redact(String url) {
        return url.replaceAll("://([^:@/]*):[^@/]*@", "://$1:***@");
    }

    public record Jdbc(String url, Properties properties) {}
}
