package tally.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * {@code serve.json} in the data directory: how other {@code tally} processes reach the server that
 * owns that data (port, process id and a random token that authorizes them). Readable by the owner
 * only; written when the server listens, removed when it stops.
 */
public record ServerFile(long pid, String host, int port, String token) {
    public static final String NAME = "serve.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Path path(Path dataDir) {
        return dataDir.resolve(NAME);
    }

    public void write(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        ObjectNode o = JSON.createObjectNode().put("pid", pid).put("host", host).put("port", port).put("token", token);
        Path tmp = dataDir.resolve(NAME + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, o.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, path(dataDir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The file of a server that is still running, if any; a file left by a dead process is ignored. */
    public static Optional<ServerFile> readLive(Path dataDir) {
        Path p = path(dataDir);
        if (!Files.isRegularFile(p)) return Optional.empty();
        try {
            JsonNode n = JSON.readTree(Files.readString(p));
            ServerFile f = new ServerFile(n.path("pid").asLong(), n.path("host").asText("127.0.0.1"),
                    n.path("port").asInt(), n.path("token").asText());
            boolean alive = ProcessHandle.of(f.pid()).map(ProcessHandle::isAlive).orElse(false);
            return alive && f.port() > 0 ? Optional.of(f) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
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
