package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Project rules (raw tags → project) and projects' cost centers. */
public final class ProjectStore {
    /** A rule as the user wrote it. */
    public record Rule(String glob, String project) {}

    /** A project and its cost center (null: none). */
    public record Project(String name, String costCenter) {}

    private final Store store;

    public ProjectStore(Store store) {
        this.store = store;
    }

    /** Maps raw project tags matching a glob to a project; the same glob again replaces its project. */
    public void map(String glob, String project, long nowMs) {
        String pattern = ProjectRules.likePattern(glob);
        try (Connection c = store.connection()) {
            Jdbc.update(c, "DELETE FROM project_rules WHERE pattern = ?", pattern);
            Jdbc.update(c, "INSERT INTO project_rules (pattern, path_glob, project, created_ms) VALUES (?, ?, ?, ?)",
                    pattern, glob, project, nowMs);
        } catch (SQLException e) {
            throw new StoreException("cannot save the rule '" + glob + "': " + e.getMessage(), e);
        }
    }

    /** The rule whose glob reads as the same pattern as this one ('**' as '*'), or null. */
    public Rule samePattern(String glob) {
        List<Rule> same = Jdbc.query(store, "SELECT path_glob, project FROM project_rules WHERE pattern = ?",
                List.of(ProjectRules.likePattern(glob)), rs -> new Rule(rs.getString(1), rs.getString(2)), ProjectStore::readFailed);
        return same.isEmpty() ? null : same.get(0);
    }

    /** Sets a project's cost center (null clears it). */
    public void setCostCenter(String project, String costCenter, long nowMs) {
        try (Connection c = store.connection()) {
            boolean exists = !Jdbc.query(c, "SELECT 1 FROM projects WHERE name = ?", List.of(project), rs -> 1).isEmpty();
            if (exists) Jdbc.update(c, "UPDATE projects SET cost_center = ? WHERE name = ?", Jdbc.text(costCenter), project);
            else Jdbc.update(c, "INSERT INTO projects (cost_center, name, created_ms) VALUES (?, ?, ?)",
                    Jdbc.text(costCenter), project, nowMs);
        } catch (SQLException e) {
            throw new StoreException("cannot save project '" + project + "': " + e.getMessage(), e);
        }
    }

    /** The rules, longest pattern first (the order they are tried in). */
    public List<Rule> rules() {
        return Jdbc.query(store, "SELECT path_glob, project FROM project_rules ORDER BY length(pattern) DESC, pattern", List.of(),
                rs -> new Rule(rs.getString(1), rs.getString(2)), ProjectStore::readFailed);
    }

    /** Projects with a cost center set, by name. */
    public List<Project> projects() {
        return Jdbc.query(store, "SELECT name, cost_center FROM projects ORDER BY name", List.of(),
                rs -> new Project(rs.getString(1), rs.getString(2)), ProjectStore::readFailed);
    }

    private static StoreException readFailed(SQLException e) {
        return new StoreException("cannot read projects: " + e.getMessage(), e);
    }
}
