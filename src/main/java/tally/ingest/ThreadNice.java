package tally.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Lowers the calling thread's CPU priority on Linux by raising its nice value, so that on a busy
 * machine it takes what the threads that bound the work leave (the gateway's event loops; an
 * import's store thread). Java cannot call
 * setpriority itself; Linux keeps a nice value per thread, so {@code renice} on the thread's id,
 * found through /proc/thread-self, is run once. Raising niceness needs no privilege. Best effort: on
 * other systems, or where it fails, the thread keeps its priority.
 */
public final class ThreadNice {
    /** A nice value of 10 gives a thread about a tenth of the CPU weight of one at 0 when both want it. */
    static final int STORE_INCREMENT = 10;
    /** The increment for the spooled writer's store thread; 0 leaves it alone. */
    static final String PROPERTY = "tally.ingest.storeNice";
    private static final int LOWEST = 19;

    private ThreadNice() {
    }

    /**
     * Raises the calling thread's nice value by {@code increment} (up to 19); returns the thread's
     * Linux id, or -1 when it was left as it was.
     */
    public static long lowerCallingThread(int increment) {
        if (increment <= 0) return -1;
        try {
            Path self = Path.of("/proc/thread-self");
            if (!Files.isSymbolicLink(self)) return -1;
            String tid = Files.readSymbolicLink(self).getFileName().toString(); // "PID/task/TID"
            if (!tid.matches("[0-9]{1,10}")) return -1;
            int now = niceOf(self.resolve("stat"));
            int target = Math.min(LOWEST, now + increment);
            if (target <= now) return -1;
            // the bare number is absolute in every renice (util-linux, BSD, busybox); -n is relative in some
            Process p = new ProcessBuilder("renice", Integer.toString(target), "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue() == 0 && niceOf(self.resolve("stat")) == target ? Long.parseLong(tid) : -1;
        } catch (IOException | RuntimeException e) { // no /proc, no renice: the priority stays
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The increment asked for by {@link #PROPERTY}, else {@link #STORE_INCREMENT}. */
    static int storeIncrement() {
        return increment(PROPERTY, STORE_INCREMENT);
    }

    /** The increment a system property asks for (0 to 99), else {@code otherwise}. */
    public static int increment(String property, int otherwise) {
        String v = System.getProperty(property);
        if (v == null || !v.matches("[0-9]{1,2}")) return otherwise;
        return Integer.parseInt(v);
    }

    /** The nice value in a /proc stat file (field 19, counted after the command name's closing parenthesis). */
    public static int niceOf(Path stat) throws IOException {
        String s = Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[16]);
    }
}
