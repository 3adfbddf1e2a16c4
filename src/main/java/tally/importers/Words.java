package tally.importers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes at a time: the line reader and the transcript scanner step over every byte of every
 * transcript, and testing a word for a byte costs about as much as testing one byte.
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

    /** Whether any of the word's bytes is {@code b} (the usual zero-byte test on the word XOR b's). */
    public static boolean has(long word, byte b) {
        return below(word ^ (ONES * (b & 0xff)), 1);
    }

    /** Whether any of the word's bytes is below {@code n} (n at most 128; bytes of 0x80 and up never are). */
    public static boolean below(long word, int n) {
        return ((word - ONES * n) & ~word & HIGHS) != 0;
    }
}
