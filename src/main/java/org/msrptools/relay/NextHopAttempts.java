package org.msrptools.relay;

import com.github.benmanes.caffeine.cache.Cache;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many new next hops one user can make the relay try: at most
 * {@link #PER_WINDOW} in a {@link #WINDOW} (counted from the first of them),
 * over all the user's sessions. A signed-in client names the next hops, and
 * without a bound could make the relay connect to host after host, a scanner
 * with the relay's address. A connection reused, or a failure the relay
 * remembers under the name asked for, is no new attempt; a new name is one,
 * whatever happens to it after. Any thread.
 */
final class NextHopAttempts {

    static final int PER_WINDOW = 30;
    static final Duration WINDOW = Duration.ofMinutes(1);
    /** Users counted at most; Caffeine's eviction chooses which go beyond (they start a new window). */
    static final int USERS_COUNTED = 10_000;

    private final Cache<String, AtomicInteger> recent;

    NextHopAttempts(Clock clock) {
        recent = ExpiringCache.of(USERS_COUNTED, WINDOW, clock);
    }

    /** Counts a new attempt for {@code user}; false when the user has had its share of this window. */
    boolean tryAttempt(String user) {
        return recent.get(user, u -> new AtomicInteger()).incrementAndGet() <= PER_WINDOW;
    }
}
