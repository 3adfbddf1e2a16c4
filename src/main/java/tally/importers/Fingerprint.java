package tally.importers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * What a file looked like where an import stopped: a checksum of its first KiB and of the KiB
 * before the stop. An append keeps both; a rewrite or a truncation changes one. Saved with the
 * file's modification time ({@link #stamped}), so a file of the same size and time is known
 * unchanged without being opened.
 */
public final class Fingerprint {
    private static final int SPAN = 1024;
    private static final String HELD = "h";

    private Fingerprint() {}

    public static String of(Path file, long upTo) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long headLen = Math.min(SPAN, upTo);
            long tailFrom = Math.max(0, upTo - SPAN);
            return upTo + ":" + crc(ch, 0, headLen) + ":" + crc(ch, tailFrom, upTo - tailFrom);
        }
    }

    /**
     * A fingerprint with the modification time (epoch nanoseconds) the file had when it was planned,
     * and whether the read held back the file's last answer (marked {@code h}: read it again once the
     * file is quiet, though it has not changed).
     */
    public static String stamped(String fingerprint, long modifiedNanos, boolean held) {
        return fingerprint + "@" + modifiedNanos + (held ? HELD : "");
    }

    /** Whether a saved fingerprint carries this modification time (older saves carry none). */
    public static boolean modifiedAt(String saved, long modifiedNanos) {
        int at = saved.lastIndexOf('@');
        if (at < 0) return false;
        String time = saved.endsWith(HELD) ? saved.substring(at + 1, saved.length() - 1) : saved.substring(at + 1);
        return time.equals(Long.toString(modifiedNanos));
    }

    /** Whether the read that saved this fingerprint held the file's last answer back. */
    public static boolean held(String saved) {
        return saved.lastIndexOf('@') >= 0 && saved.endsWith(HELD);
    }

    /** The content part of a saved fingerprint, as {@link #of} gives it. */
    public static String content(String saved) {
        int at = saved.lastIndexOf('@');
        return at < 0 ? saved : saved.substring(0, at);
    }

    private static String crc(FileChannel ch, long from, long len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) len);
        while (b.hasRemaining()) {
            if (ch.read(b, from + b.position()) < 0) break;
        }
        b.flip();
        CRC32C c = new CRC32C();
        c.update(b);
        return Long.toHexString(c.getValue());
    }
}
