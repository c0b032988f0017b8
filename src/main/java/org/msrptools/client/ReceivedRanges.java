package org.msrptools.client;

import java.util.Map;
import java.util.TreeMap;

/** Which bytes of a message have arrived, as merged 1-based inclusive intervals. */
final class ReceivedRanges {

    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    /** Kept as ranges come, not summed when asked: a sender asks before every block it sends. */
    private long received;

    void add(long start, long end) {
        add(start, end, Integer.MAX_VALUE);
    }

    /**
     * Adds bytes {@code start..end} unless they would be a piece of their
     * own beyond {@code maxPieces}: then they are left out (false).
     */
    boolean add(long start, long end, int maxPieces) {
        if (end < start) {
            return true;
        }
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        Map.Entry<Long, Long> after = ranges.ceilingEntry(start);
        boolean joins = before != null && before.getValue() >= start - 1 || after != null && after.getKey() <= end + 1;
        if (!joins && ranges.size() >= maxPieces) {
            return false;
        }
        if (before != null && before.getValue() >= start - 1) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        after = ranges.ceilingEntry(start);
        while (after != null && after.getKey() <= end + 1) {
            end = Math.max(end, after.getValue());
            received -= after.getValue() - after.getKey() + 1;
            ranges.remove(after.getKey());
            after = ranges.ceilingEntry(start);
        }
        ranges.put(start, end);
        received += end - start + 1;
        return true;
    }

    /** Whether bytes 1..total have all arrived. */
    boolean covers(long total) {
        if (total == 0) {
            return true;
        }
        Map.Entry<Long, Long> first = ranges.firstEntry();
        return first != null && first.getKey() == 1 && first.getValue() >= total;
    }

    /** The end of the bytes that arrived without a gap from byte 1 (0 when byte 1 has not). */
    long prefix() {
        Map.Entry<Long, Long> first = ranges.firstEntry();
        return first != null && first.getKey() == 1 ? first.getValue() : 0;
    }

    /** How many separate pieces have arrived: one, unless chunks came out of order. */
    int pieces() {
        return ranges.size();
    }

    long received() {
        return received;
    }
}
