import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * What the disk alone costs the gateway: small appends into a preallocated file, each forced with
 * fdatasync ({@code force(false)}), at a fixed rate — what the spool does for a durable answer, with
 * nothing of the gateway around it. Run in the same bench, so both see the same disk at the same load.
 */
final class DiskProbe {
    private DiskProbe() {}

    /** p50, p99 and max of one append + force, in ms, at {@code rate} a second for {@code seconds}. */
    static double[] fdatasync(Path dir, int rate, int seconds) throws IOException {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "disk-probe", ".bin");
        byte[] line = new byte[300]; // about one gateway record in the spool
        Arrays.fill(line, (byte) 'x');
        int n = rate * seconds;
        long[] took = new long[n];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            // preallocated and forced, like a spool segment: a force is a data flush, not a size change
            ByteBuffer zeros = ByteBuffer.allocate(1 << 16);
            long size = (long) n * line.length;
            for (long at = 0; at < size; ) {
                zeros.clear();
                at += ch.write(zeros, at);
            }
            ch.force(true);
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
                long t0 = System.nanoTime();
                ch.write(ByteBuffer.wrap(line), (long) i * line.length);
                ch.force(false);
                took[i] = System.nanoTime() - t0;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        Arrays.sort(took);
        return new double[] {FleetBench.pct(took, 0.5), FleetBench.pct(took, 0.99), took[n - 1] / 1e6};
    }
}
