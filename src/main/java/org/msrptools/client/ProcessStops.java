package org.msrptools.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time this process did not run while it waited on a transfer (Ctrl-Z,
 * SIGSTOP), as the waiting thread noticed it. The other side may have given
 * up meanwhile and this side's failure then reads as the other's doing: the
 * command line says so with it (found by a new user). One per process, as a
 * stop is.
 */
public final class ProcessStops {

    private static final AtomicLong STOPPED_NANOS = new AtomicLong();

    private ProcessStops() {
    }

    static void stopped(long nanos) {
        STOPPED_NANOS.addAndGet(nanos);
    }

    /** Whole seconds this process was stopped so far. */
    public static long seconds() {
        return TimeUnit.NANOSECONDS.toSeconds(STOPPED_NANOS.get());
    }
}
