package tally.importers;

/** Where every skip of an import goes as it is found ({@code file:line: reason}), beyond the few a summary shows. */
@FunctionalInterface
public interface SkipLog {
    /** Called from the import's threads; an implementation is thread-safe. */
    void write(String skip);
}
