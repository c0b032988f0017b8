package org.msrptools.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

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
     * Whether {@code needle} occurs in the readable bytes. Boyer-Moore-Horspool:
     * in a file's bytes the marker's last byte rarely matches, so the search
     * mostly jumps a whole marker ahead and looks at about one byte in 25 (a
     * sender runs it over every chunk).
     */
    static boolean contains(ByteBuf body, byte[] needle) {
        int n = body.readableBytes();
        int m = needle.length;
        if (n < m) {
            return false;
        }
        ByteBuffer bytes = body.nioBuffer();
        int base = bytes.position();
        int[] shift = new int[256];
        Arrays.fill(shift, m);
        for (int i = 0; i < m - 1; i++) {
            shift[needle[i] & 0xff] = m - 1 - i;
        }
        byte lastByte = needle[m - 1];
        for (int at = 0; at <= n - m; ) {
            byte b = bytes.get(base + at + m - 1);
            if (b == lastByte) {
                int j = m - 2;
                while (j >= 0 && bytes.get(base + at + j) == needle[j]) {
                    j--;
                }
                if (j < 0) {
                    return true;
                }
            }
            at += shift[b & 0xff];
        }
        return false;
    }
}
