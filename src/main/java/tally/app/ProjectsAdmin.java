package tally.app;

import tally.store.ProjectStore;
import tally.store.Store;

import java.time.Clock;
import java.util.List;

/** Project rules (raw project tags, e.g. working directories, → a project) and projects' cost centers. */
public final class ProjectsAdmin {
    public record Map(String glob, String project) {}

    public record Set(String project, String costCenter) {}

    public record Listing(List<ProjectStore.Rule> rules, List<ProjectStore.Project> projects) {}

    public record Done(boolean done) {}

    private final ProjectStore projects;
    private final Clock clock;

    ProjectsAdmin(Store store, Clock clock) {
        this.projects = new ProjectStore(store);
        this.clock = clock;
    }

    /** Maps tags matching a glob to a project; a glob that reads as another rule's pattern ('**' as '*') is refused, naming it. */
    public Done map(Map m) {
        if (m.glob() == null || m.glob().isBlank()) throw new IllegalArgumentException("projects map: the pattern is empty");
        if (m.project() == null || m.project().isBlank()) throw new IllegalArgumentException("projects map: the project is empty");
        String glob = m.glob().trim();
        ProjectStore.Rule same = projects.samePattern(glob);
        if (same != null && !same.glob().equals(glob)) { // the same glob again replaces its project
            throw new IllegalArgumentException("projects map: '" + glob + "' is the same pattern as the rule '" + same.glob()
                    + "' (to " + same.project() + "); map '" + same.glob() + "' again to change its project");
        }
        projects.map(glob, m.project().trim(), clock.millis());
        return new Done(true);
    }

    public Done set(Set s) {
        if (s.project() == null || s.project().isBlank()) throw new IllegalArgumentException("projects set: the project is empty");
        String cc = s.costCenter() == null || s.costCenter().isBlank() ? null : s.costCenter().trim();
        projects.setCostCenter(s.project().trim(), cc, clock.millis());
        return new Done(true);
    }

    public Listing list() {
        return new Listing(projects.rules(), projects.projects());
    }
}
