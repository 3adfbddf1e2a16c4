package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tally.web.PasswordHash;
import tally.web.Role;
import tally.web.UserFile;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

@Command(name = "users", description = {
        "Dashboard logins, needed when tally serve listens beyond loopback (admin or read-only viewer).",
        "Kept in $TALLY_USERS or users.json in the data directory, passwords as PBKDF2 hashes."},
        subcommands = {UsersCommand.Add.class, UsersCommand.Remove.class, UsersCommand.List.class})
final class UsersCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--users", paramLabel = "FILE", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Users file (default: $TALLY_USERS or users.json in the data directory).")
    Path file;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    UserFile users() {
        GlobalOptions g = GlobalOptions.of(spec);
        return new UserFile(file != null ? file : UserFile.locate(g.dataDir()));
    }

    @Command(name = "add", description = "Add a user, or change their role and password.")
    static final class Add implements Runnable {
        @ParentCommand UsersCommand parent;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The login name.") String name;
        @Option(names = "--role", defaultValue = "viewer", description = "admin or viewer (default viewer).") String role;
        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.") boolean stdin;

        @Override
        public void run() {
            if (name.isBlank() || !name.matches("[\\w.@-]{1,64}")) throw new UserError("NAME: letters, digits, . _ @ - only (got '" + name + "')");
            Role r = Role.parse(role);
            char[] password = stdin ? fromStdin() : prompt();
            if (password.length < 8) throw new UserError("the password must have at least 8 characters");
            UserFile users = parent.users();
            try {
                users.put(new UserFile.User(name, r, PasswordHash.hash(password, PasswordHash.ITERATIONS)));
            } catch (IOException e) {
                throw new UserError("cannot write " + users.path() + ": " + e.getMessage());
            } finally {
                Arrays.fill(password, '\0');
            }
            spec.commandLine().getOut().printf("%s is a dashboard %s (%s)%n", name, r.label(), users.path());
        }

        private static char[] fromStdin() {
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null) throw new UserError("--password-stdin: nothing on standard input");
                return line.toCharArray();
            } catch (IOException e) {
                throw new UserError("--password-stdin: " + e.getMessage());
            }
        }

        private static char[] prompt() {
            Console c = System.console();
            if (c == null) throw new UserError("no terminal to ask for a password: use --password-stdin");
            char[] a = c.readPassword("Password: ");
            char[] b = c.readPassword("Again: ");
            if (a == null || b == null || !Arrays.equals(a, b)) throw new UserError("the passwords differ");
            return a;
        }
    }

    @Command(name = "remove", description = "Remove a user; their sessions end at once.")
    static final class Remove implements Runnable {
        @ParentCommand UsersCommand parent;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The login name.") String name;

        @Override
        public void run() {
            UserFile users = parent.users();
            try {
                if (!users.remove(name)) throw new UserError("no user named '" + name + "' in " + users.path());
            } catch (IOException e) {
                throw new UserError("cannot write " + users.path() + ": " + e.getMessage());
            }
            spec.commandLine().getOut().printf("removed %s%n", name);
        }
    }

    @Command(name = "list", description = "List users and roles.")
    static final class List implements Runnable {
        @ParentCommand UsersCommand parent;
        @Spec CommandSpec spec;

        @Override
        public void run() {
            UserFile users = parent.users();
            if (users.current().isEmpty()) spec.commandLine().getOut().println("no users in " + users.path());
            users.current().values().forEach(u -> spec.commandLine().getOut().printf("%-24s %s%n", u.name(), u.role().label()));
        }
    }
}
