package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * Dashboard users in a JSON file ({@code {"users":[{"name","role","password"}]}}, password as a
 * {@link PasswordHash}), readable by its owner only. The server rereads it when it changes, so
 * {@code tally users add} and {@code remove} take effect without a restart.
 */
public final class UserFile {
    public static final String NAME = "users.json";

    public record User(String name, Role role, String passwordHash) {}

    private final Path path;
    private volatile Map<String, User> users = Map.of();
    private volatile FileTime loaded;

    public UserFile(Path path) {
        this.path = path;
    }

    /** $TALLY_USERS, else users.json in the data directory. */
    public static Path locate(Path dataDir) {
        String env = System.getenv("TALLY_USERS");
        return env == null || env.isBlank() ? dataDir.resolve(NAME) : Path.of(env.trim());
    }

    public Path path() {
        return path;
    }

    /** The users as the file says now; an unreadable or missing file means none (nobody gets in). */
    public Map<String, User> current() {
        try {
            FileTime t = Files.getLastModifiedTime(path);
            if (!t.equals(loaded)) {
                users = parse(Files.readString(path));
                loaded = t;
            }
        } catch (IOException | RuntimeException e) {
            users = Map.of();
            loaded = null;
        }
        return users;
    }

    public User find(String name) {
        return name == null ? null : current().get(name);
    }

    /** Adds or replaces a user and writes the file (owner-only) atomically. */
    public void put(User user) throws IOException {
        Map<String, User> all = new TreeMap<>(current());
        all.put(user.name(), user);
        write(all);
    }

    public boolean remove(String name) throws IOException {
        Map<String, User> all = new TreeMap<>(current());
        if (all.remove(name) == null) return false;
        write(all);
        return true;
    }

    private void write(Map<String, User> all) throws IOException {
        ObjectNode root = Json.object();
        ArrayNode list = root.putArray("users");
        all.values().forEach(u -> list.addObject().put("name", u.name()).put("role", u.role().label()).put("password", u.passwordHash()));
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(path.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        loaded = null;
    }

    private static Map<String, User> parse(String text) throws IOException {
        Map<String, User> out = new TreeMap<>();
        for (JsonNode u : Json.MAPPER.readTree(text).path("users")) {
            String name = u.path("name").asText("");
            if (name.isEmpty()) continue;
            out.put(name, new User(name, Role.parse(u.path("role").asText("viewer")), u.path("password").asText(null)));
        }
        return Map.copyOf(out);
    }
}
