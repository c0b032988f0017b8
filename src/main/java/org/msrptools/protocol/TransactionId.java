package org.msrptools.protocol;

import io.netty.buffer.ByteBuf;
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
    private static final int RANDOM_LENGTH = 20;
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
     * {@code length} uniformly random alphanumerics from one SecureRandom draw
     * (a relay makes one id per forwarded chunk, and a draw per character was
     * a noticeable part of a chunk's cost): a byte below 248 = 4 * 62 gives one
     * character, the few others are drawn again.
     */
    static String randomAlphanumeric(int length) {
        char[] chars = new char[length];
        byte[] bytes = new byte[length + 8];
        int n = 0;
        while (n < length) {
            RANDOM.nextBytes(bytes);
            for (int i = 0; i < bytes.length && n < length; i++) {
                int b = bytes[i] & 0xff;
                if (b < 248) {
                    chars[n++] = ALPHANUM.charAt(b % 62);
                }
            }
        }
        return new String(chars);
    }

    /** A random id whose end-line marker does not occur in {@code body}. */
    public static String randomAvoiding(ByteBuf body) {
        while (true) {
            String id = random();
            if (!contains(body, ("-------" + id).getBytes(StandardCharsets.US_ASCII))) {
                return id;
            }
        }
    }

    /**
     * Whether {@code needle} occurs in the readable bytes. Jumps between
     * occurrences of its first byte with ByteBuf.indexOf (word-at-a-time), so
     * a chunk on the sender's hot path costs about one pass over memory.
     */
    static boolean contains(ByteBuf body, byte[] needle) {
        int last = body.writerIndex() - needle.length;
        int from = body.readerIndex();
        while (from <= last) {
            int at = body.indexOf(from, last + 1, needle[0]);
            if (at < 0) {
                return false;
            }
            int j = 1;
            while (j < needle.length && body.getByte(at + j) == needle[j]) {
                j++;
            }
            if (j == needle.length) {
                return true;
            }
            from = at + 1;
        }
        return false;
    }
}
