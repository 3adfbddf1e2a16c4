package tally.importers;

import java.io.PrintStream;

/**
 * A one-line progress bar on a terminal, redrawn at most ten times a second; silent when output is
 * not a terminal (pipes, files, tests), so logs stay clean.
 */
public final class Progress implements AutoCloseable {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private long total;
    private long lastDraw;
    private boolean drawn;

    private Progress(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    /** A bar on stderr when there is a console, otherwise one that draws nothing. */
    public static Progress start(String label, long total) {
        return new Progress(System.console() != null ? System.err : null, label, total);
    }

    public static Progress none() {
        return new Progress(null, "", 0);
    }

    public synchronized void total(long n) {
        total = n;
    }

    /** Shows {@code done} of the total; {@code detail} is a short tail such as "12,345 lines". */
    public synchronized void update(long done, String detail) {
        if (out == null) return;
        long now = System.nanoTime();
        if (drawn && now - lastDraw < 100_000_000L && done < total) return;
        lastDraw = now;
        drawn = true;
        int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, done * WIDTH / total);
        out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                + done + "/" + total + (detail == null ? "" : "  " + detail) + "   ");
        out.flush();
    }

    @Override
    public synchronized void close() {
        if (out != null && drawn) {
            out.print("\r" + " ".repeat(WIDTH + label.length() + 60) + "\r");
            out.flush();
        }
    }
}
