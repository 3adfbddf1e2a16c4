package tally.importers;

import java.util.ArrayList;
import java.util.List;

/** Input that could not be used: counted, and the first few kept as {@code file:line: reason}. */
public final class Skips {
    public static final int KEPT = 5;

    private long count;
    private final List<String> first = new ArrayList<>();

    public synchronized void add(String file, long line, String reason) {
        count++;
        if (first.size() < KEPT) first.add(file + ":" + line + ": " + reason);
    }

    /** A skip of a whole file or folder: no line to name. */
    public synchronized void add(String path, String reason) {
        count++;
        if (first.size() < KEPT) first.add(path + ": " + reason);
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
