package tally.server;

import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code serve.json} in the data directory: how other {@code tally} processes reach the server that
 * owns that data (scheme, port, process id, the SHA-256 of its TLS certificate when it serves HTTPS,
 * a random token that makes its holder the local admin of the REST API, and the SHA-256 of the price
 * file it prices with, if any, so a command given one can tell whether the server prices as it would).
 * Readable by the owner only; written when the server listens, removed when it stops.
 */
public record ServerFile(long pid, String host, int port, String token, String scheme, String certSha256, String pricesSha256) {
    public static final String NAME = "serve.json";

    /** A plain-HTTP server. */
    public ServerFile(long pid, String host, int port, String token) {
        this(pid, host, port, token, "http", null);
    }

    /** A server that prices with the bundled catalog alone. */
    public ServerFile(long pid, String host, int port, String token, String scheme, String certSha256) {
        this(pid, host, port, token, scheme, certSha256, null);
    }

    /** The same server, pricing with the price file of this SHA-256 (null: none). */
    public ServerFile pricedWith(String sha256) {
        return new ServerFile(pid, host, port, token, scheme, certSha256, sha256);
    }

    /** The hex SHA-256 of a file's bytes: how a price file is told from another. */
    public static String sha256(Path file) throws IOException {
        return tally.core.Secrets.sha256Hex(Files.readAllBytes(file));
    }

    /** Where this machine reaches the server: a wildcard address is reached on loopback. */
    public String baseUrl() {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        if (h.contains(":") && !h.startsWith("[")) h = "[" + h + "]";
        return scheme + "://" + h + ":" + port;
    }

    /** The hex SHA-256 of the first certificate in a PEM file: what a client pins. */
    public static String fingerprint(Path pem) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(pem)) {
            java.security.cert.Certificate c = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
            return tally.core.Secrets.sha256Hex(c.getEncoded());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("not a PEM certificate: " + pem + " (" + e.getMessage() + ")", e);
        }
    }

    public static Path path(Path dataDir) {
        return dataDir.resolve(NAME);
    }

    public void write(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("pid", pid);
        o.put("host", host);
        o.put("port", port);
        o.put("token", token);
        o.put("scheme", scheme);
        o.put("cert_sha256", certSha256);
        o.put("prices_sha256", pricesSha256);
        Path tmp = dataDir.resolve(NAME + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES).asString(o), StandardCharsets.UTF_8);
        Files.move(tmp, path(dataDir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The file of a server that is still running, if any; a file left by a dead process is ignored. */
    public static Optional<ServerFile> readLive(Path dataDir) {
        Path p = path(dataDir);
        if (!Files.isRegularFile(p)) return Optional.empty();
        try {
            // jackson-jr, not databind: a command beside a server then never starts databind (a tenth of its CPU)
            Map<String, Object> n = JSON.std.mapFrom(Files.readString(p));
            ServerFile f = new ServerFile(number(n.get("pid")), text(n.get("host"), "127.0.0.1"), (int) number(n.get("port")),
                    text(n.get("token"), ""), text(n.get("scheme"), "http"), text(n.get("cert_sha256"), null),
                    text(n.get("prices_sha256"), null));
            boolean alive = ProcessHandle.of(f.pid()).map(ProcessHandle::isAlive).orElse(false);
            return alive && f.port() > 0 ? Optional.of(f) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static long number(Object v) {
        return v instanceof Number n ? n.longValue() : 0;
    }

    private static String text(Object v, String otherwise) {
        return v instanceof String s ? s : otherwise;
    }

    /** Removes the file if it is still this server's. */
    public void remove(Path dataDir) {
        try {
            Optional<ServerFile> now = readLive(dataDir);
            if (now.isEmpty() || now.get().token().equals(token)) Files.deleteIfExists(path(dataDir));
        } catch (IOException ignored) {
            // a stale file is ignored by readers anyway
        }
    }
}
