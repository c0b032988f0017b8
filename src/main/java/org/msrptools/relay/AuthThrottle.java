package org.msrptools.relay;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing from one address: after a few failed AUTHs
 * every further answer to that address waits, twice as long each time (up
 * to a cap); a success or ten quiet minutes forget it. Other addresses are
 * not affected, and nothing blocks: the answer is only scheduled later.
 */
final class AuthThrottle {

    static final int FREE_FAILURES = 3;
    static final long FIRST_DELAY_MILLIS = 250;
    static final long MAX_DELAY_MILLIS = 8000;
    static final long FORGET_AFTER_MILLIS = 10 * 60 * 1000;
    private static final int MAX_ADDRESSES = 100_000;

    private record Failures(int count, long lastMillis) {
    }

    private final Map<InetAddress, Failures> byAddress = new ConcurrentHashMap<>();
    private final Clock clock;

    AuthThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long to hold back the next answer to {@code address}. */
    long delayMillis(InetAddress address) {
        Failures f = byAddress.get(address);
        if (f == null || clock.millis() - f.lastMillis() > FORGET_AFTER_MILLIS || f.count() < FREE_FAILURES) {
            return 0;
        }
        int doublings = Math.min(f.count() - FREE_FAILURES, 10);
        return Math.min(MAX_DELAY_MILLIS, FIRST_DELAY_MILLIS << doublings);
    }

    void failed(InetAddress address) {
        long now = clock.millis();
        if (byAddress.size() >= MAX_ADDRESSES) {
            byAddress.values().removeIf(f -> now - f.lastMillis() > FORGET_AFTER_MILLIS);
        }
        byAddress.merge(address, new Failures(1, now), (old, one) ->
                now - old.lastMillis() > FORGET_AFTER_MILLIS ? one : new Failures(old.count() + 1, now));
    }

    void succeeded(InetAddress address) {
        byAddress.remove(address);
    }
}
