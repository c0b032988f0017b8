package org.msrptools.relay;

/**
 * A bound on how many lines of one event are logged per second, for the
 * events anyone who can reach the relay can cause (connections, refusals,
 * failed AUTHs): a flood must not flood the log too, nor make the event
 * loops wait on writing it. The lines over the bound are counted, and the
 * next line logged says how many ({@code not_logged_since}).
 */
final class LogRate {

    private static final long SECOND_NANOS = 1_000_000_000L;

    private final int perSecond;
    private long windowStart = System.nanoTime() - SECOND_NANOS;
    private int inWindow;
    private long notLogged;

    LogRate(int perSecond) {
        this.perSecond = perSecond;
    }

    /** -1 when this line is over the bound (it is counted); else how many were not logged before it. */
    synchronized long admit(long nowNanos) {
        if (nowNanos - windowStart >= SECOND_NANOS) {
            windowStart = nowNanos;
            inWindow = 0;
        }
        if (inWindow >= perSecond) {
            notLogged++;
            return -1;
        }
        inWindow++;
        long skipped = notLogged;
        notLogged = 0;
        return skipped;
    }
}
