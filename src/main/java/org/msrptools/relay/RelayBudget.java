package org.msrptools.relay;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What all connections together make the relay hold (the sum of their
 * {@link Budget}s). Each connection's own budget is small, but the caps allow
 * thousands of connections; over this high mark a connection that adds to
 * it stops being read, until the sum is below half. Those that hold it up
 * (clients that read nothing) are closed by the stall timeout, so the relay
 * slows down under such a load instead of running out of memory.
 */
final class RelayBudget {

    private final long high;
    private final long low;
    private final AtomicLong held = new AtomicLong();
    private final Queue<Budget> paused = new ConcurrentLinkedQueue<>();

    RelayBudget(long high) {
        this.high = high;
        this.low = high / 2;
    }

    /** Counts {@code bytes} more; true when the relay now holds more than its high mark. */
    boolean take(long bytes) {
        return held.addAndGet(bytes) > high;
    }

    void give(long bytes) {
        if (held.addAndGet(-bytes) <= low && !paused.isEmpty()) {
            Budget b;
            while ((b = paused.poll()) != null) {
                b.resumeRelay();
            }
        }
    }

    /** {@code b} stopped reading for the relay's sake: it reads again once the relay is below half. */
    void paused(Budget b) {
        paused.add(b);
        if (held.get() <= low && paused.remove(b)) {
            b.resumeRelay(); // given back meanwhile
        }
    }

    /** The high mark. */
    long high() {
        return high;
    }

    long held() {
        return held.get();
    }

    /** Connections not read now for the relay's sake (over its high mark). */
    int pausedConnections() {
        return paused.size();
    }
}
