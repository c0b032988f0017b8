package org.msrptools.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Transaction ids (RFC 4975: ident = ALPHANUM 3*31ident-char, ident-char =
 * alphanum / "." / "-" / "+" / "%" / "="). Random ids are 20 alphanumerics
 * (119 bits), so that a body containing the end-line by chance is
 * negligible; a sender that knows its chunk can still make sure with
 * {@link #randomAvoiding}.
 */
public final class TransactionId {

    public static final int MIN_LENGTH = 4;
    public static final int MAX_LENGTH = 32;
    /** The length of {@link #random()} ids: a sender lays out its chunks before it draws their ids. */
    public static final int RANDOM_LENGTH = 20;
    private static final String ALPHANUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private TransactionId() {
    }

    /** ident-char, by character code (checked for every head read and made). */
    private static final boolean[] IDENT_CHAR = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            IDENT_CHAR[c] = isAlphanumeric(c) || ".-+%=".indexOf(c) >= 0;
        }
    }

    public static boolean isValid(CharSequence id) {
        int n = id.length();
        if (n < MIN_LENGTH || n > MAX_LENGTH || !isAlphanumeric(id.charAt(0))) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = id.charAt(i);
            if (c >= 128 || !IDENT_CHAR[c]) {
                return false;
            }
        }
        return true;
    }

    static boolean isAlphanumeric(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    public static String random() {
        return randomAlphanumeric(RANDOM_LENGTH);
    }

    /**
     * {@code length} uniformly random alphanumerics: a byte below 248 = 4 * 62
     * gives one character, the few others are skipped. The bytes come from
     * SecureRandom in blocks per thread: a relay makes one id per forwarded
     * chunk, and a draw per id (a lock and a mix with /dev/urandom each) was a
     * noticeable part of a chunk's cost.
     */
    static String randomAlphanumeric(int length) {
        RandomBytes random = RANDOM_BYTES.get();
        char[] chars = new char[length];
        for (int n = 0; n < length; ) {
            int b = random.next();
            if (b < 248) {
                chars[n++] = ALPHANUM.charAt(b % 62);
            }
        }
        return new String(chars);
    }

    private static final ThreadLocal<RandomBytes> RANDOM_BYTES = ThreadLocal.withInitial(RandomBytes::new);

    /** One thread's block of SecureRandom bytes, drawn again when used up. */
    private static final class RandomBytes {
        private final byte[] block = new byte[512];
        private int next = block.length;

        int next() {
            if (next == block.length) {
                RANDOM.nextBytes(block);
                next = 0;
            }
            return block[next++] & 0xff;
        }
    }

    /** Length of {@link #randomPrefix()}. */
    public static final int PREFIX_LENGTH = 4;

    /**
     * Random characters that begin all the ids of one sender of requests on a
     * connection it shares with others (one after another): by them it knows
     * its own answers from theirs (24 bits; the rest of each id stays random).
     */
    public static String randomPrefix() {
        return randomAlphanumeric(PREFIX_LENGTH);
    }

    /** A random id whose end-line marker does not occur in {@code body}. */
    public static String randomAvoiding(ByteBuf body) {
        return randomAvoiding("", body);
    }

    /**
     * A random id of {@link #RANDOM_LENGTH} characters that begins with
     * {@code prefix} (alphanumeric, shorter) and whose end-line marker does
     * not occur in {@code body}.
     */
    public static String randomAvoiding(String prefix, ByteBuf body) {
        while (true) {
            String id = prefix + randomAlphanumeric(RANDOM_LENGTH - prefix.length());
            if (!contains(body, ("-------" + id).getBytes(StandardCharsets.US_ASCII))) {
                return id;
            }
        }
    }

    /**
     * Whether {@code marker}, an end-line marker ({@code -------<id>}), occurs
     * in the readable bytes. An occurrence holds seven dashes in a row, so one
     * of any seven bytes in a row is a dash: the search reads every seventh
     * byte and looks closer only around a dash. The reads do not depend on
     * each other, so they overlap in the processor (a skip search that jumps by
     * what it reads, Horspool's, waited on every read and took twice as long).
     */
    static boolean contains(ByteBuf body, byte[] marker) {
        int n = body.readableBytes();
        int m = marker.length;
        if (m < 7 || marker[0] != '-' || marker[6] != '-') {
            throw new IllegalArgumentException("not an end-line marker");
        }
        ByteBuffer bytes = body.nioBuffer();
        int base = bytes.position();
        for (int p = 6; p < n; p += 7) {
            if (bytes.get(base + p) != '-') {
                continue;
            }
            for (int start = Math.max(0, p - 6), last = Math.min(p, n - m); start <= last; start++) {
                int j = 0;
                while (j < m && bytes.get(base + start + j) == marker[j]) {
                    j++;
                }
                if (j == m) {
                    return true;
                }
            }
        }
        return false;
    }
}
