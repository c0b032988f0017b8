package org.msrptools.relay;

import com.github.benmanes.caffeine.cache.Cache;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;

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
    static final Duration FORGET_AFTER = Duration.ofMinutes(10);
    /**
     * Addresses remembered at once (a few hundred bytes each, so a few MiB):
     * more guessers than a relay meets. Beyond it the cache evicts the
     * addresses seen least often, so a flood of one-off addresses (easy with
     * IPv6) neither grows memory nor pushes out a persistent guesser.
     */
    static final int MAX_ADDRESSES = 10_000;

    /** Failed AUTHs per address; each failure restarts the address's quiet period. */
    private final Cache<InetAddress, Integer> failures;

    AuthThrottle(Clock clock) {
        this.failures = ExpiringCache.of(MAX_ADDRESSES, FORGET_AFTER, clock);
    }

    /** How long to hold back the next answer to {@code address}. */
    long delayMillis(InetAddress address) {
        Integer count = failures.getIfPresent(address);
        if (count == null || count < FREE_FAILURES) {
            return 0;
        }
        int doublings = Math.min(count - FREE_FAILURES, 10);
        return Math.min(MAX_DELAY_MILLIS, FIRST_DELAY_MILLIS << doublings);
    }

    void failed(InetAddress address) {
        failures.asMap().merge(address, 1, Integer::sum);
    }

    void succeeded(InetAddress address) {
        failures.invalidate(address);
    }

    /** Addresses remembered now, for the bound's test. */
    long trackedAddresses() {
        failures.cleanUp();
        return failures.estimatedSize();
    }
}
