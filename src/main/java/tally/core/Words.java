package tally.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes at a time: the transcript line reader and scanner step over every byte of every
 * transcript, the gateway's SSE tap over most of every stream, and testing a word for a byte costs
 * about as much as testing one byte.
 */
public final class Words {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private Words() {}

    /** The eight bytes at {@code at}, the first in the lowest bits. */
    public static long at(byte[] b, int at) {
        return (long) LONGS.get(b, at);
    }

    /**
     * The word's bytes equal to {@code b}, as a mask with the high bit of each such byte set. Only the
     * lowest flagged byte is sure (a borrow may flag bytes above it): read it with {@link #first}.
     */
    public static long equalMask(long word, byte b) {
        return belowMask(word ^ (ONES * (b & 0xff)), 1);
    }

    /** The word's bytes below {@code n} (n at most 128), as {@link #equalMask} flags them. */
    public static long belowMask(long word, int n) {
        return (word - ONES * n) & ~word & HIGHS;
    }

    /** The word's bytes of 0x80 and up (non-ASCII), flagged as {@link #equalMask} does (exactly, here). */
    public static long highMask(long word) {
        return word & HIGHS;
    }

    /** The first {@code x} in {@code b[from, to)}, or -1; eight bytes a step. */
    public static int indexOf(byte[] b, int from, int to, byte x) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long m = equalMask(at(b, i), x);
            if (m != 0) return i + first(m);
        }
        for (; i < to; i++) if (b[i] == x) return i;
        return -1;
    }

    /** Which byte of the word (0 to 7) a non-zero mask flags first. */
    public static int first(long mask) {
        // the lowest flag alone, moved to bit 0 of its byte; the multiply sums byte j of the constant
        // (7 - j) into the top byte. Not numberOfTrailingZeros: the quick JIT tier CLI commands run
        // with does not compile that to one instruction, but calls it.
        return (int) ((((mask & -mask) >>> 7) * 0x0001020304050607L) >>> 56);
    }
}
