package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tally.app.Ops;
import tally.app.ProjectsAdmin;
import tally.report.TextTable;
import tally.store.ProjectStore;


@Command(name = "projects", description = "Projects: rules that map raw project tags (working directories, header values) "
        + "to a project, and projects' cost centers. Reports group by them with --by project or --by cost-center.",
        subcommands = {ProjectsCommand.MapRule.class, ProjectsCommand.SetProject.class, ProjectsCommand.ListProjects.class})
final class ProjectsCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "map", description = "Records whose project tag matches PATTERN belong to PROJECT, history included "
            + "(* matches any run of characters, slashes too; ? one character; the longest matching pattern wins).")
    static final class MapRule implements Runnable {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "PATTERN", description = "A glob over raw tags, e.g. '/home/*/src/acme-web*'.") String glob;
        @Parameters(index = "1", paramLabel = "PROJECT", description = "The project those records belong to.") String project;

        @Override
        public void run() {
            try (Backend b = Backend.open(GlobalOptions.of(spec))) {
                b.call(Ops.PROJECTS_MAP, new ProjectsAdmin.Map(glob, project));
                spec.commandLine().getOut().println("mapped " + glob + " to " + project);
            }
        }
    }

    @Command(name = "set", description = "Set a project's cost center.")
    static final class SetProject implements Runnable {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "PROJECT", description = "The project.") String project;
        @Option(names = "--cost-center", required = true, paramLabel = "CC", description = "Its cost center ('' clears it).") String costCenter;

        @Override
        public void run() {
            try (Backend b = Backend.open(GlobalOptions.of(spec))) {
                b.call(Ops.PROJECTS_SET, new ProjectsAdmin.Set(project, costCenter));
                spec.commandLine().getOut().println(costCenter.isBlank() ? "cleared " + project + "'s cost center"
                        : "saved " + project + " (cost center " + costCenter + ")");
            }
        }
    }

    @Command(name = "list", description = "The rules, in the order they are tried, and the projects' cost centers.")
    static final class ListProjects implements Runnable {
        @Spec CommandSpec spec;

        @Override
        public void run() {
            try (Backend b = Backend.openForReading(GlobalOptions.of(spec))) {
                ProjectsAdmin.Listing l = b.call(Ops.PROJECTS_LIST, new Ops.None());
                TextTable rules = new TextTable("Pattern", "Project");
                for (ProjectStore.Rule r : l.rules()) rules.row(r.glob(), r.project());
                TextTable projects = new TextTable("Project", "Cost center");
                for (ProjectStore.Project p : l.projects()) projects.row(p.name(), p.costCenter() == null ? "" : p.costCenter());
                spec.commandLine().getOut().print(rules.render() + "\n" + projects.render());
            }
        }
    }
}
