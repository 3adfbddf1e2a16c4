package tally.importers;

import java.util.ArrayList;
import java.util.List;

/**
 * Input that could not be used: counted, the first few kept as {@code file:line: reason}, and every
 * one written to the import's {@link SkipLog} when it has one. Skips merged with {@link #addAll}
 * share that log: each skip is written once, when it is added.
 */
public final class Skips {
    public static final int KEPT = 5;

    private final SkipLog log;
    private long count;
    private final List<String> first = new ArrayList<>();

    public Skips() {
        this(null);
    }

    /** @param log where every skip goes as it is added, or null */
    public Skips(SkipLog log) {
        this.log = log;
    }

    /** Empty skips writing to the same log: one file's, merged into these with {@link #addAll} once read. */
    public Skips sibling() {
        return new Skips(log);
    }

    public void add(String file, long line, String reason) {
        keep(file + ":" + line + ": " + reason);
    }

    /** A skip of a whole file or folder: no line to name. */
    public void add(String path, String reason) {
        keep(path + ": " + reason);
    }

    private void keep(String skip) {
        synchronized (this) {
            count++;
            if (first.size() < KEPT) first.add(skip);
        }
        if (log != null) log.write(skip);
    }

    public synchronized void addAll(Skips other) {
        synchronized (other) {
            count += other.count;
            for (String s : other.first) if (first.size() < KEPT) first.add(s);
        }
    }

    public synchronized long count() {
        return count;
    }

    public synchronized List<String> first() {
        return List.copyOf(first);
    }
}
