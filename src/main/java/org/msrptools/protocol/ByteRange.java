package org.msrptools.protocol;

/**
 * The Byte-Range header: {@code start-end/total}, 1-based and inclusive;
 * {@code end} and {@code total} may be unknown ({@code *}), stored as -1.
 * "1-0/0" is the legal range of an empty message.
 */
public record ByteRange(long start, long end, long total) {

    public static final long UNKNOWN = -1;

    public ByteRange {
        if (start < 1) {
            throw bad("start " + start + " is below 1 (ranges are 1-based)");
        }
        if (end != UNKNOWN && end < start - 1) {
            throw bad("end " + end + " is before start " + start);
        }
        if (total != UNKNOWN && start - 1 > total) {
            throw bad("start " + start + " is beyond total " + total);
        }
        if (total != UNKNOWN && end != UNKNOWN && end > total) {
            throw bad("end " + end + " is beyond total " + total);
        }
    }

    /** The range of {@code length} bytes starting at 1-based {@code start}. */
    public static ByteRange ofChunk(long start, long length, long total) {
        return new ByteRange(start, start + length - 1, total);
    }

    public static ByteRange parse(String text) {
        String v = text.strip();
        int dash = v.indexOf('-');
        int slash = v.indexOf('/');
        if (dash <= 0 || slash < dash) {
            throw bad("'" + v + "' is not start-end/total");
        }
        long start = number(v.substring(0, dash), false);
        long end = number(v.substring(dash + 1, slash), true);
        long total = number(v.substring(slash + 1), true);
        return new ByteRange(start, end, total);
    }

    private static long number(String s, boolean starAllowed) {
        if (starAllowed && s.equals("*")) {
            return UNKNOWN;
        }
        if (s.isEmpty() || s.length() > 19 || !Digits.only(s)) {
            throw bad("'" + s + "' is not a number from 0 to 2^63-1");
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw bad("'" + s + "' is over 2^63-1");
        }
    }

    private static MsrpSyntaxException bad(String why) {
        return new MsrpSyntaxException(MsrpSyntaxException.Violation.BYTE_RANGE, "bad Byte-Range: " + why);
    }

    /** Bytes this range covers, or -1 when the end is unknown. */
    public long length() {
        return end == UNKNOWN ? UNKNOWN : end - start + 1;
    }

    /**
     * Bytes a chunk starting here can carry before it passes its message's
     * total: the most a body may run, and where a hop may still split it.
     * When the total is unknown, up to the last position a range can name
     * (2^63-1): a body past it would have bytes no Byte-Range can place.
     */
    public long roomToTotal() {
        return (total == UNKNOWN ? Long.MAX_VALUE : total) - start + 1;
    }

    @Override
    public String toString() {
        return start + "-" + (end == UNKNOWN ? "*" : Long.toString(end)) + "/"
                + (total == UNKNOWN ? "*" : Long.toString(total));
    }
}
